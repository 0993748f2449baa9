/**
 * `GET /api/v2/users/query`: the cursor listing (reference §2.1, `UserCursorEntityListing`). The cursor names the
 * last id served and pages run in id order, so users deleted or created while a client pages never shift the
 * pages it has not read yet: everyone present from the first to the last page is listed exactly once. No result
 * window applies (UNCONFIRMED for the real service).
 */
import { badRequest, notAuthorized } from '../errors';
import { encodeQueryValue, queryInt, queryList, queryValue } from '../http/query';
import type { UserRecord } from '../model';
import { parseExpand } from '../serialize';
import { carried } from './paging';
import { readUserState } from './users';
import type { ApiRequest, Reply } from './types';
import { userViewer, userVisibility } from './user-view';

const PATH = '/api/v2/users/query';

/** Opaque cursor for "after `lastId`". */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`after:${lastId}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('after:') || text.length === 6) throw badRequest('Invalid cursor.', 'cursor');
  return text.slice(6);
}

/** First index in the id-sorted `users` whose id is greater than `id`. */
function upperBound(users: readonly UserRecord[], id: string): number {
  let lo = 0;
  let hi = users.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (users[mid].id <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose id is greater than or equal to `id`. */
function lowerBound(users: readonly UserRecord[], id: string): number {
  let lo = 0;
  let hi = users.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (users[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function uri(pageSize: number, cursor: string | undefined, carry: [string, string][]): string {
  let out = `${PATH}?pageSize=${pageSize}`;
  if (cursor !== undefined) out += `&cursor=${encodeQueryValue(cursor)}`;
  for (const [k, v] of carry) out += `&${encodeQueryValue(k)}=${encodeQueryValue(v)}`;
  return out;
}

/** `cursor`, `pageSize` (default 25), `sortOrder` (ASC/DESC), `expand`, `state` → `{entities, nextUri, selfUri, results, cursor}`. */
export function queryUsers(r: ApiRequest): Reply {
  const { query, state } = r;
  // "No division filtering available so directory:user:view permission for all divisions is required."
  if (!userVisibility(r).all) throw notAuthorized();
  const pageSize = queryInt(query, 'pageSize', 25, 1, state.options.maxPageSize);
  const sort = (queryValue(query, 'sortOrder') ?? 'ASC').toLowerCase();
  if (!['asc', 'ascending', 'desc', 'descending'].includes(sort)) {
    throw badRequest(`Invalid value for sortOrder: ${sort}. Use ASC or DESC.`, 'sortOrder');
  }
  const descending = sort.startsWith('desc');
  const userState = readUserState(r);
  const raw = queryValue(query, 'cursor');
  const after = raw === undefined || raw === '' ? undefined : decodeCursor(raw);
  const sorted = state.directory.usersSortedById(userState);
  const page: UserRecord[] = [];
  let more: boolean;
  if (!descending) {
    const start = after === undefined ? 0 : upperBound(sorted, after);
    for (let i = start; i < sorted.length && page.length < pageSize; i++) page.push(sorted[i]);
    more = start + page.length < sorted.length;
  } else {
    const end = after === undefined ? sorted.length : lowerBound(sorted, after);
    for (let i = end - 1; i >= 0 && page.length < pageSize; i--) page.push(sorted[i]);
    more = end - page.length > 0;
  }
  const expand = parseExpand(queryList(query, 'expand'));
  const carry = carried(query, ['sortOrder', 'expand', 'state']);
  const body: Record<string, unknown> = {
    entities: page.map(userViewer(r, expand)),
    selfUri: uri(pageSize, raw, carry),
    results: page.length,
  };
  if (more && page.length > 0) {
    const cursor = encodeCursor(page[page.length - 1].id);
    body.cursor = cursor;
    body.nextUri = uri(pageSize, cursor, carry);
  }
  return { status: 200, body };
}
