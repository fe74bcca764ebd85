import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { KeysetPosition, decodeCursor, encodeCursor, pageSize } from './cursor';

/** The Relay paging arguments of a connection field, as the caller gave them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  totalCount: number;
}

/** Which rows of a newest-first list a page takes, once the arguments are checked. */
export interface PageWindow {
  /** Forward: the `size` rows after `after`; backward: the `size` rows just before `before`. */
  direction: 'forward' | 'backward';
  size: number;
  after: KeysetPosition | null;
  before: KeysetPosition | null;
}

/**
 * Checks the Relay arguments: `last` pages backward and takes precedence over `first` (whose
 * schema default would otherwise always be set); `first` and `last` must be within 1..max;
 * cursors must be ones this API made. Any failure is BAD_USER_INPUT naming the argument.
 */
export function pageWindow(args: PageArgs, defaultSize: number, max: number): PageWindow {
  const after = args.after ? decodeCursor(args.after, 'after') : null;
  const before = args.before ? decodeCursor(args.before, 'before') : null;
  if (args.last !== undefined && args.last !== null) {
    return {
      direction: 'backward',
      size: pageSize(args.last, defaultSize, max, 'last'),
      after,
      before,
    };
  }
  return { direction: 'forward', size: pageSize(args.first, defaultSize, max), after, before };
}

/**
 * The rows newer (`>`, `>=`) or older (`<`, `<=`) than `position` in (column, id) order; the
 * `=` variants also take the row at the position itself.
 */
function beyond(
  alias: string,
  column: string,
  operator: '<' | '>' | '<=' | '>=',
  position: KeysetPosition,
  name: string,
): Brackets {
  const strict = operator[0];
  return new Brackets((where) =>
    where
      .where(`${alias}.${column} ${strict} :${name}At`, { [`${name}At`]: position.at })
      .orWhere(`${alias}.${column} = :${name}At AND ${alias}.id ${operator} :${name}Id`, {
        [`${name}At`]: position.at,
        [`${name}Id`]: position.id,
      }),
  );
}

/**
 * One page of `query`, newest first by `<alias>.<column>` then id: keyset pagination, stable
 * while rows are added. Forward (`first`/`after`) takes the rows after the `after` cursor;
 * backward (`last`/`before`) the rows just before the `before` cursor, still listed newest
 * first. Both cursors may bound one page. `hasPreviousPage` and `hasNextPage` are exact both
 * ways: the side a page was read towards is known from its one extra row, the other side from
 * whether any row lies at or beyond the cursor it started from. `totalCount` counts every row
 * of the query, whatever the cursors.
 */
export async function newestFirstPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  alias: string,
  column: string,
  instantOf: (row: T) => Date,
  window: PageWindow,
): Promise<Page<T>> {
  const all = query.clone();
  const totalCount = await all.clone().getCount();
  if (window.after) {
    query.andWhere(beyond(alias, column, '<', window.after, 'after'));
  }
  if (window.before) {
    query.andWhere(beyond(alias, column, '>', window.before, 'before'));
  }
  const backward = window.direction === 'backward';
  const order = backward ? 'ASC' : 'DESC';
  const rows = await query
    .orderBy(`${alias}.${column}`, order)
    .addOrderBy(`${alias}.id`, order)
    .take(window.size + 1)
    .getMany();
  const more = rows.length > window.size;
  const taken = rows.slice(0, window.size);
  if (backward) {
    taken.reverse();
  }
  const edges = taken.map((node) => ({
    cursor: encodeCursor({ at: instantOf(node), id: node.id }),
    node,
  }));
  // The far side of the cursor this page started from: rows at or beyond it exist?
  const start = backward ? window.before : window.after;
  const beyondStart =
    start !== null &&
    (await all
      .clone()
      .andWhere(beyond(alias, column, backward ? '<=' : '>=', start, 'start'))
      .getExists());
  return {
    edges,
    hasNextPage: backward ? beyondStart : more,
    hasPreviousPage: backward ? more : beyondStart,
    startCursor: edges.at(0)?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
    totalCount,
  };
}
