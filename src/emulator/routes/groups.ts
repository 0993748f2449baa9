/** Group reads: listing, one group, `/individuals` and paged `/members`. */
import { notFound } from '../errors';
import { queryList } from '../http/query';
import type { GroupRecord, UserRecord } from '../model';
import { NO_EXPAND, groupView, listing, parseExpand, unpagedListing, userView } from '../serialize';
import type { EmulatorState } from '../state';
import { carried, ordered, readPaging } from './paging';
import type { ApiRequest, Reply } from './types';
import { userViewer } from './user-view';

/** The group named by the first path parameter, or 404 `not.found`. */
export function groupParam(r: ApiRequest): GroupRecord {
  const group = r.state.directory.getGroup(r.params[0]);
  if (!group || group.state === 'deleted') throw notFound();
  return group;
}

function memberRecords(state: EmulatorState, ids: Iterable<string>): UserRecord[] {
  const dir = state.directory;
  const out: UserRecord[] = [];
  for (const id of ids) {
    const u = dir.getUser(id);
    if (u) out.push(u);
  }
  return out;
}

/** `GET /api/v2/groups` with `pageSize`, `pageNumber`, `id`, `sortOrder`. */
export function listGroups(r: ApiRequest): Reply {
  const paging = readPaging(r.query, r.state.options.maxPageSize);
  const dir = r.state.directory;
  const ids = queryList(r.query, 'id');
  let groups: readonly GroupRecord[] = dir.listGroups().filter((g) => g.state !== 'deleted');
  if (ids.length > 0) {
    const wanted = new Set(ids);
    groups = groups.filter((g) => wanted.has(g.id));
  }
  const body = listing(
    {
      items: ordered(groups, paging.descending),
      pageSize: paging.pageSize,
      pageNumber: paging.pageNumber,
      path: '/api/v2/groups',
      carry: carried(r.query, ['id', 'jabberId', 'sortOrder']),
    },
    (g) => groupView(g, r.state.options.memberCount),
  );
  return { status: 200, body };
}

/** `GET /api/v2/groups/{id}`. */
export function getGroup(r: ApiRequest): Reply {
  return { status: 200, body: groupView(groupParam(r), r.state.options.memberCount) };
}

/**
 * `GET /api/v2/groups/{id}/individuals`: every individual member on one page (the endpoint takes no parameters), or,
 * with `individualsPageSize`, only the first page of a larger group, its envelope announcing the rest.
 */
export function listIndividuals(r: ApiRequest): Reply {
  const group = groupParam(r);
  const dir = r.state.directory;
  const path = `/api/v2/groups/${group.id}/individuals`;
  const members = memberRecords(r.state, group.members);
  const view = (u: UserRecord) => userView(u, NO_EXPAND, dir);
  const cap = r.state.options.individualsPageSize;
  if (cap > 0 && members.length > cap) {
    return { status: 200, body: listing({ items: members, pageSize: cap, pageNumber: 1, path, carry: [] }, view) };
  }
  return { status: 200, body: unpagedListing(members, path, view) };
}

/**
 * `GET /api/v2/groups/{id}/members`, paged, with `expand`: individuals, then rule-added (dynamic) members, then
 * owners when `includeOwners` (reference §3.1: "includes individuals, owners, and dynamically included people").
 */
export function listMembers(r: ApiRequest): Reply {
  const group = groupParam(r);
  const paging = readPaging(r.query, r.state.options.maxPageSize);
  const dir = r.state.directory;
  const expand = parseExpand(queryList(r.query, 'expand'));
  const body = listing(
    {
      items: ordered(memberRecords(r.state, dir.allMemberIds(group)), paging.descending),
      pageSize: paging.pageSize,
      pageNumber: paging.pageNumber,
      path: `/api/v2/groups/${group.id}/members`,
      carry: carried(r.query, ['sortOrder', 'expand']),
    },
    userViewer(r, expand),
  );
  return { status: 200, body };
}
