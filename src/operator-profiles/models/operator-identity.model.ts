import { Field, ObjectType } from '@nestjs/graphql';

/** An absolute URL of the API from the configured public base URL (PUBLIC_URL) and a path. */
export function absoluteUrl(publicUrl: string, path: string): string {
  return `${publicUrl}${path}`;
}

@ObjectType('OperatorIdentity', {
  description: 'What the end user sees of an operator. A snapshot taken when control is taken.',
})
export class OperatorIdentityModel {
  @Field({ description: 'The display name of the operator profile, else the account name.' })
  displayName: string;

  @Field({
    description: 'Absolute URL of a square image: the avatar, else a placeholder.',
  })
  avatarUrl: string;

  /** `avatarPath` is stored relative, so a change of PUBLIC_URL moves every URL with it. */
  static of(displayName: string, avatarPath: string, publicUrl: string): OperatorIdentityModel {
    return Object.assign(new OperatorIdentityModel(), {
      displayName,
      avatarUrl: absoluteUrl(publicUrl, avatarPath),
    });
  }
}
