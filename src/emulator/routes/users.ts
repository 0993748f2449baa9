/** `GET /api/v2/users` and `GET /api/v2/users/{id}`. */
import { badRequest, notFound } from '../errors';
import { queryList, queryValue } from '../http/query';
import type { UserRecord, UserState } from '../model';
import { listing, parseExpand, userView } from '../serialize';
import { carried, ordered, readPaging } from './paging';
import type { ApiRequest, Reply } from './types';

const STATES: ReadonlySet<string> = new Set(['active', 'inactive', 'deleted', 'any']);

/** Listing with `pageSize`, `pageNumber`, `id`, `state` (default active), `expand`, `sortOrder`. */
export function listUsers(r: ApiRequest): Reply {
  const { query, state } = r;
  const paging = readPaging(query, state.options.maxPageSize);
  const userState = queryValue(query, 'state') ?? 'active';
  if (!STATES.has(userState)) {
    throw badRequest(`Invalid value for state: ${userState}. Use active, inactive, deleted or any.`, 'state');
  }
  const ids = queryList(query, 'id');
  if (ids.length > 0 && query.has('jabberId')) throw badRequest('id and jabberId cannot be combined.', 'jabberId');
  const dir = state.directory;
  let users: readonly UserRecord[];
  if (ids.length > 0) {
    const seen = new Set<string>();
    const found: UserRecord[] = [];
    for (const id of ids) {
      const u = dir.getUser(id);
      if (u && !seen.has(id) && (userState === 'any' || u.state === userState)) {
        seen.add(id);
        found.push(u);
      }
    }
    users = found;
  } else {
    users = dir.listUsers(userState as UserState | 'any');
  }
  const expand = parseExpand(queryList(query, 'expand'));
  const body = listing(
    {
      items: ordered(users, paging.descending),
      pageSize: paging.pageSize,
      pageNumber: paging.pageNumber,
      path: '/api/v2/users',
      carry: carried(query, ['id', 'jabberId', 'sortOrder', 'expand', 'state']),
    },
    (u) => userView(u, expand, dir),
  );
  return { status: 200, body };
}

/** One user by id, with `expand`. */
export function getUser(r: ApiRequest): Reply {
  const dir = r.state.directory;
  const user = dir.getUser(r.params[0]);
  if (!user) throw notFound();
  return { status: 200, body: userView(user, parseExpand(queryList(r.query, 'expand')), dir) };
}
