/** Paging and sorting parameters shared by the listing routes. */
import { badRequest } from '../errors';
import { type Query, queryInt, queryValue } from '../http/query';

/** Parsed `pageSize`, `pageNumber` and `sortOrder`. */
export interface Paging {
  pageSize: number;
  pageNumber: number;
  descending: boolean;
}

/**
 * Reads paging parameters. `pageSize` above `maxPageSize` is refused with 400 rather than clamped (the real
 * behaviour is UNCONFIRMED; refusing makes a client that asks for too much notice).
 */
export function readPaging(query: Query, maxPageSize: number): Paging {
  const pageSize = queryInt(query, 'pageSize', 25, 1, maxPageSize);
  const pageNumber = queryInt(query, 'pageNumber', 1, 1, Number.MAX_SAFE_INTEGER);
  const sort = (queryValue(query, 'sortOrder') ?? 'ASC').toLowerCase();
  if (sort !== 'asc' && sort !== 'ascending' && sort !== 'desc' && sort !== 'descending') {
    throw badRequest(`Invalid value for sortOrder: ${sort}. Use ascending or descending.`, 'sortOrder');
  }
  return { pageSize, pageNumber, descending: sort.startsWith('desc') };
}

/** Query parameters other than paging ones, to carry into the listing URIs so that following `nextUri` is stable. */
export function carried(query: Query, keys: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const key of keys) {
    const values = query.get(key);
    if (values && values.length > 0) out.push([key, values.join(',')]);
  }
  return out;
}

/** `items` in listing order (a reversed copy when descending). */
export function ordered<T>(items: readonly T[], descending: boolean): readonly T[] {
  return descending ? [...items].reverse() : items;
}
