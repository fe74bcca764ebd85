import { Field, InputType } from '@nestjs/graphql';
import {
  IsOptional,
  IsString,
  Length,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { Trim } from '../../common/validation/transforms';
import { ControlMode, RequestStatus } from '../request-enums';
import { isLocaleTag } from '../../common/i18n/language';

@InputType('EndUserSessionInput', {
  description: 'What the chat widget knows about its visitor; every field is optional.',
})
export class EndUserSessionInput {
  @Field(() => String, {
    nullable: true,
    description:
      "The site's own id of the visitor, 1 to 200 characters: the same id is the same end user. Absent: a new end user.",
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200, { message: 'externalId must be 1 to 200 characters' })
  externalId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Name of the visitor shown to the support team, 1 to 100 characters.',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'displayName must be 1 to 100 characters' })
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Language tag such as "fr-CA" (at most 35 characters); when absent, taken from the Accept-Language header, else "en".',
  })
  @IsOptional()
  @Trim()
  @IsLocaleTag()
  locale?: string | null;
}

@InputType('RequestFilter', {
  description: 'Which requests to list; every field given must match, an absent one matches all.',
})
export class RequestFilter {
  @Field(() => RequestStatus, { nullable: true, description: 'Only requests with this status.' })
  status?: RequestStatus | null;

  @Field(() => ControlMode, {
    nullable: true,
    description: 'Only requests in this control mode.',
  })
  controlMode?: ControlMode | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True: only requests whose end user is online (the "Online" view); false: offline.',
  })
  endUserOnline?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only requests that asked for a person (true) or did not (false).',
  })
  awaitingHuman?: boolean | null;
}

/** A language tag such as "fr-CA" (letters, digits, "-" or "_"; at most 35 characters). */
function IsLocaleTag(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLocaleTag',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'locale must be a language tag such as "fr-CA"', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isLocaleTag(value) },
    });
}
