/** `GET /api/v2/users` and `GET /api/v2/users/{id}`. */
import { badRequest, notFound } from '../errors';
import { queryList, queryValue } from '../http/query';
import type { UserRecord, UserState } from '../model';
import { listing, parseExpand } from '../serialize';
import type { EmulatorState } from '../state';
import { carried, ordered, readPaging } from './paging';
import type { ApiRequest, Reply } from './types';
import { userViewer, userVisibility } from './user-view';

const STATES: ReadonlySet<string> = new Set(['active', 'inactive', 'deleted', 'any']);

/** The `state` query value (default `active`), or 400. */
export function readUserState(r: ApiRequest): UserState | 'any' {
  const userState = queryValue(r.query, 'state') ?? 'active';
  if (!STATES.has(userState)) {
    throw badRequest(`Invalid value for state: ${userState}. Use active, inactive, deleted or any.`, 'state');
  }
  return userState as UserState | 'any';
}

/**
 * 400 when a page lies past the result window of its state: confirmed at 10,000 for `state=inactive` (CX as Code
 * treats it as the end), UNCONFIRMED for `active` (off unless `activeResultWindow` is set).
 */
function checkResultWindow(state: EmulatorState, userState: string, pageNumber: number, pageSize: number): void {
  const window =
    userState === 'active'
      ? state.options.activeResultWindow
      : userState === 'inactive'
        ? state.options.inactiveResultWindow
        : 0;
  if (window > 0 && pageNumber * pageSize > window) {
    throw badRequest(
      `The result window is too large, pageNumber * pageSize must be less than or equal to ${window}.`,
      'pageNumber',
    );
  }
}

/** Applies a one-off page anomaly (empty, empty without nextUri, short, moved totals) to a listing body. */
function applyPageFault(state: EmulatorState, pageNumber: number, body: Record<string, unknown>): void {
  const fault = state.faults.takeUsersPage(pageNumber);
  if (!fault) return;
  const entities = body.entities as unknown[];
  switch (fault.variant) {
    case 'empty':
      body.entities = [];
      break;
    case 'emptyWithoutNextUri':
      body.entities = [];
      delete body.nextUri;
      break;
    case 'short':
      body.entities = entities.slice(0, Math.max(0, entities.length - (fault.shortBy ?? 1)));
      break;
    case 'totals': {
      const total = Math.max(0, (body.total as number) + (fault.totalDelta ?? -1));
      body.total = total;
      body.pageCount = Math.ceil(total / (body.pageSize as number));
      break;
    }
  }
}

/** Listing with `pageSize`, `pageNumber`, `id`, `state` (default active), `expand`, `sortOrder`. */
export function listUsers(r: ApiRequest): Reply {
  const { query, state } = r;
  const paging = readPaging(query, state.options.maxPageSize);
  const userState = readUserState(r);
  const ids = queryList(query, 'id');
  if (ids.length > 0 && query.has('jabberId')) throw badRequest('id and jabberId cannot be combined.', 'jabberId');
  const dir = state.directory;
  const { all, visible } = userVisibility(r);
  let users: readonly UserRecord[];
  if (ids.length > 0) {
    const seen = new Set<string>();
    const found: UserRecord[] = [];
    for (const id of ids) {
      const u = dir.getUser(id);
      if (u && !seen.has(id) && (userState === 'any' || u.state === userState) && visible(u)) {
        seen.add(id);
        found.push(u);
      }
    }
    users = found;
  } else {
    checkResultWindow(state, userState, paging.pageNumber, paging.pageSize);
    users = all ? dir.listUsers(userState) : dir.listUsers(userState).filter(visible);
  }
  const expand = parseExpand(queryList(query, 'expand'));
  const items = ordered(users, paging.descending);
  const body = listing(
    {
      items,
      pageSize: paging.pageSize,
      pageNumber: paging.pageNumber,
      path: '/api/v2/users',
      carry: carried(query, ['id', 'jabberId', 'sortOrder', 'expand', 'state']),
    },
    userViewer(r, expand),
  );
  if (ids.length === 0) {
    applyPageFault(state, paging.pageNumber, body);
    // The directory changes after this page was read, as it can between two page requests of a live org.
    state.afterUsersPage(paging.pageNumber, paging.pageSize, userState, items);
  }
  return { status: 200, body };
}

/** One user by id, with `expand`. */
export function getUser(r: ApiRequest): Reply {
  const dir = r.state.directory;
  const user = dir.getUser(r.params[0]);
  if (!user || !userVisibility(r).visible(user)) throw notFound();
  const expand = parseExpand(queryList(r.query, 'expand'));
  return { status: 200, body: userViewer(r, expand)(user) };
}
