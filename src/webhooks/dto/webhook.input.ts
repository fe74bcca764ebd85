import { Field, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
} from 'class-validator';
import { Trim } from '../../common/validation/transforms';
import { WebhookEventType } from '../webhook-event-type';

@InputType('WebhookInput', { description: 'Where a webhook is sent and what it is told about.' })
export class WebhookInput {
  @Field({
    description:
      'The receiver: an absolute https:// URL (http:// is accepted outside production), at most 2,048 characters, without credentials. In production a host that resolves to a loopback, private, link-local or unique-local address is refused unless the operator allows private networks. BAD_USER_INPUT on input.url otherwise.',
  })
  @Trim()
  @IsString()
  url: string;

  @Field(() => [WebhookEventType], {
    description:
      'The event types to deliver: at least one (BAD_USER_INPUT on input.events); repeats are ignored.',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'events must name at least one event type' })
  @ArrayMaxSize(50)
  @IsEnum(WebhookEventType, { each: true })
  events: WebhookEventType[];

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Whether events are delivered. While disabled, no event is recorded for it, and retries queued before wait until it is enabled again. Default on create: true; on update, omitted keeps the current value.',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean | null;
}
