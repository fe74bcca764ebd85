/** What end users see of an operator when control is taken, frozen for that live conversation. */
export interface OperatorSnapshot {
  /** The display name, else the account name (the bubble header). */
  displayName: string;
  /** Whether a display name was set: join/leave notices then name the operator, else say "Human". */
  named: boolean;
  /** Path of the avatar image under the public URL. */
  avatarPath: string;
}

export const PLACEHOLDER_AVATAR_PATH = '/avatars/placeholder.svg';

/**
 * A neutral head-and-shoulders silhouette, square, readable at any size; served as the avatar of
 * operators who have not uploaded one.
 */
export const PLACEHOLDER_AVATAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
<rect width="256" height="256" fill="#dfe4ea"/>
<circle cx="128" cy="100" r="48" fill="#a4b0be"/>
<path d="M40 236c0-52 40-84 88-84s88 32 88 84z" fill="#a4b0be"/>
</svg>
`;
