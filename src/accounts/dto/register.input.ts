import { Field, InputType } from '@nestjs/graphql';
import { IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { NormalizeEmail, Trim } from '../../common/validation/transforms';

export const PASSWORD_MIN_LENGTH = 8;
/** argon2 hashes any length; the cap keeps a request from buying seconds of CPU. */
export const PASSWORD_MAX_LENGTH = 256;

@InputType({ description: 'A new account.' })
export class RegisterInput {
  @Field({
    description:
      'Email to sign in with, at most 254 characters; compared case-insensitively. CONFLICT when an account already has it.',
  })
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @Field({
    description:
      'Account name, 1 to 100 characters once trimmed; the operator display name falls back to it.',
  })
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name: string;

  @Field({
    description: `At least ${PASSWORD_MIN_LENGTH} and at most ${PASSWORD_MAX_LENGTH} characters.`,
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, {
    message: `password must be at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  password: string;
}
