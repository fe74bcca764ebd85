import { ArgsOptions, Field, Int, ObjectType } from '@nestjs/graphql';
import { AppError } from '../errors/app-error';
import { isUuid } from '../validation/uuid';

@ObjectType('PageInfo', {
  description:
    'Where a page of a connection sits in the whole list (Relay cursor connections). Pass endCursor as after to read on, startCursor as before to read back.',
})
export class PageInfo {
  @Field({
    description:
      'True when rows follow this page: beyond its last edge, or (paging backward) at or after the before cursor.',
  })
  hasNextPage: boolean;

  @Field({
    description:
      'True when rows precede this page: before its first edge, or (paging forward) at or before the after cursor.',
  })
  hasPreviousPage: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the first edge of the page; null when the page is empty.',
  })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge of the page; null when the page is empty.',
  })
  endCursor: string | null;

  static of(page: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  }): PageInfo {
    return Object.assign(new PageInfo(), {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.startCursor,
      endCursor: page.endCursor,
    });
  }
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

/** A page size (`first`, or `last` named by `field`) within 1..max, else BAD_USER_INPUT. */
export function pageSize(
  first: number | null | undefined,
  defaultSize: number,
  max: number,
  field = 'first',
): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw AppError.badInput(field, `${field} must be from 1 to ${max}`);
  }
  return size;
}

/**
 * The paging arguments of a connection that pages both ways (`requests`, `liveConversations`),
 * one definition for every such field: `@Args('first', PAGE_ARGS.first)`.
 */
export const PAGE_ARGS = {
  first: {
    type: () => Int,
    nullable: true,
    defaultValue: 50,
    description:
      'Forward paging: how many edges at most, 1 to 200 (BAD_USER_INPUT otherwise); default 50. Ignored when last is given.',
  },
  after: {
    type: () => String,
    nullable: true,
    description:
      'Forward paging: only edges after this cursor (an endCursor). BAD_USER_INPUT for a cursor this API did not make.',
  },
  last: {
    type: () => Int,
    nullable: true,
    description:
      'Backward paging: the last edges, at most this many (1 to 200), still listed newest first; takes precedence over first.',
  },
  before: {
    type: () => String,
    nullable: true,
    description:
      'Only edges before this cursor (a startCursor). BAD_USER_INPUT for a cursor this API did not make.',
  },
} satisfies Record<'first' | 'after' | 'last' | 'before', ArgsOptions>;
