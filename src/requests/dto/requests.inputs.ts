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

@InputType('EndUserSessionInput')
export class EndUserSessionInput {
  @Field(() => String, {
    nullable: true,
    description: "The site's own id of the visitor: the same id is the same end user.",
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200, { message: 'externalId must be 1 to 200 characters' })
  externalId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'displayName must be 1 to 100 characters' })
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'When absent, taken from the Accept-Language header.',
  })
  @IsOptional()
  @Trim()
  @IsLocaleTag()
  locale?: string | null;
}

@InputType('RequestFilter')
export class RequestFilter {
  @Field(() => RequestStatus, { nullable: true })
  status?: RequestStatus | null;

  @Field(() => ControlMode, { nullable: true })
  controlMode?: ControlMode | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the "Online" view.' })
  endUserOnline?: boolean | null;

  @Field(() => Boolean, { nullable: true })
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
