import { Field, ObjectType } from '@nestjs/graphql';
import { AppError } from '../errors/app-error';
import { isUuid } from '../validation/uuid';

@ObjectType('PageInfo')
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** A keyset position: an instant and an id to break ties, newest first. */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/** Opaque to clients: base64url of "<epoch ms>:<uuid>". */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.getTime()}:${position.id}`).toString('base64url');
}

/** BAD_USER_INPUT naming `field` when the cursor was not made by `encodeCursor`. */
export function decodeCursor(cursor: string, field = 'after'): KeysetPosition {
  const [millis, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split(':');
  const at = new Date(Number(millis));
  if (rest.length > 0 || !/^\d+$/.test(millis ?? '') || Number.isNaN(at.getTime()) || !isUuid(id)) {
    throw AppError.badInput(field, 'Malformed cursor');
  }
  return { at, id };
}

/** `first` within 1..max, else BAD_USER_INPUT. */
export function pageSize(
  first: number | null | undefined,
  defaultSize: number,
  max: number,
): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw AppError.badInput('first', `first must be from 1 to ${max}`);
  }
  return size;
}
