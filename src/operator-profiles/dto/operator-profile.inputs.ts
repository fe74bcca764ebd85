import { Field, InputType } from '@nestjs/graphql';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { ACCEPTED_CONTENT_TYPES } from '../avatar-image';

@InputType('OperatorProfileInput', { description: 'Changes to an operator profile.' })
export class OperatorProfileInput {
  /** Checked by the service: trimmed, 1 to 50 characters; "" clears it. */
  @Field(() => String, {
    nullable: true,
    description:
      'Display name shown to end users: trimmed, 1 to 50 characters; "" clears it (the account name shows).',
  })
  displayName?: string | null;
}

@InputType('AvatarUpload', { description: 'An avatar image sent inline, in base64.' })
export class AvatarUpload {
  @Field({
    description:
      'The media type: image/png, image/jpeg or image/webp (the bytes decide the format).',
  })
  @IsIn(ACCEPTED_CONTENT_TYPES, {
    message: 'contentType must be image/png, image/jpeg or image/webp',
  })
  contentType: string;

  @Field({
    description: 'The image bytes in base64: square, 150 to 4096 px a side, at most 2 MiB decoded.',
  })
  @IsString()
  // 2 MiB of bytes is at most ~2.8 million base64 characters; the exact limit is on the bytes.
  @MaxLength(3_000_000, { message: 'The image is larger than 2 MiB' })
  dataBase64: string;
}
