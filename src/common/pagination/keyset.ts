import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { KeysetPosition, encodeCursor } from './cursor';

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/**
 * One page of `query`, newest first by `<alias>.<column>` then id, after the cursor's position:
 * keyset pagination, stable while rows are added. `totalCount` counts every row of the query.
 */
export async function newestFirstPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  alias: string,
  column: string,
  instantOf: (row: T) => Date,
  size: number,
  after: KeysetPosition | null,
): Promise<Page<T>> {
  const totalCount = await query.clone().getCount();
  if (after) {
    query.andWhere(
      new Brackets((where) =>
        where
          .where(`${alias}.${column} < :keysetAt`, { keysetAt: after.at })
          .orWhere(`${alias}.${column} = :keysetAt AND ${alias}.id < :keysetId`, {
            keysetAt: after.at,
            keysetId: after.id,
          }),
      ),
    );
  }
  const rows = await query
    .orderBy(`${alias}.${column}`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(size + 1)
    .getMany();
  const edges = rows
    .slice(0, size)
    .map((node) => ({ cursor: encodeCursor({ at: instantOf(node), id: node.id }), node }));
  return {
    edges,
    hasNextPage: rows.length > size,
    endCursor: edges.at(-1)?.cursor ?? null,
    totalCount,
  };
}
