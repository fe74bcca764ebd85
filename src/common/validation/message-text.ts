import { AppError } from '../errors/app-error';

/** The most a message may say, whoever sends it (end user, bot, agent, a story step). */
export const MAX_MESSAGE_LENGTH = 4000;

/** Message text as stored: trimmed, 1 to 4,000 characters; else BAD_USER_INPUT on `field`. */
export function messageText(text: string | null | undefined, field: string): string {
  const trimmed = text?.trim() ?? '';
  if (trimmed.length === 0 || trimmed.length > MAX_MESSAGE_LENGTH) {
    throw AppError.badInput(
      field,
      `${field} must be 1 to ${MAX_MESSAGE_LENGTH} characters once trimmed`,
    );
  }
  return trimmed;
}
