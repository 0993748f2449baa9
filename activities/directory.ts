/**
 * The directory operations the activities need, as an interface: implemented over the official SDK by
 * `activities/genesys-directory.ts`, so activities stay independent of the SDK's call shapes.
 */
import type { GenesysApiUser } from '../src/core/directory-user';
import type { RoleGrant } from '../src/core/role-grants';

/** One page of `GET /api/v2/users`. */
export interface UsersPage {
  users: GenesysApiUser[];
  pageNumber: number;
  pageCount: number;
  total: number;
  /** Relative `nextUri`; absent on the last page. */
  nextUri?: string;
}

/** One page of the cursor listing `GET /api/v2/users/query`. */
export interface UsersCursorPage {
  users: GenesysApiUser[];
  /** Cursor of the next page; absent on the last page. */
  cursor?: string;
}

/** The fields of a group the reconciler reads. */
export interface GroupInfo {
  id: string;
  name: string;
  version: number;
  memberCount?: number;
  /** Whether roles may be granted to the group (`rolesEnabled`); `false` means it grants none. */
  rolesEnabled?: boolean;
}

/** Directory reads and membership writes. Errors are thrown as `GenesysApiError` (status, retry-after). */
export interface GenesysDirectory {
  listUsersPage(pageNumber: number, pageSize: number, expand: readonly string[]): Promise<UsersPage>;
  /**
   * One page of active users by cursor (`GET /api/v2/users/query`): the route past an offset-paging result window.
   * Optional: a directory without it makes a refused late page fail the run closed.
   */
  listUsersByCursor?(cursor: string | undefined, pageSize: number, expand: readonly string[]): Promise<UsersCursorPage>;
  /**
   * Users by id (`GET /api/v2/users?id=`), in batches; `state` filters them (`active` by default, `any` for every
   * state: a user who does not come back under `any` cannot be read by this client at all).
   */
  getUsersByIds(ids: readonly string[], expand: readonly string[], state?: 'active' | 'any'): Promise<GenesysApiUser[]>;
  /** All groups (every page), for resolving group names written in the rules. */
  listAllGroups(): Promise<GroupInfo[]>;
  getGroup(groupId: string): Promise<GroupInfo>;
  /** Ids of the group's individual members (`GET /api/v2/groups/{id}/individuals`). */
  getIndividuals(groupId: string): Promise<string[]>;
  /** `POST /api/v2/groups/{id}/members` (≤ 50 ids); resolves with the HTTP status. */
  addMembers(groupId: string, userIds: readonly string[], version: number): Promise<number>;
  /** `DELETE /api/v2/groups/{id}/members?ids=` (≤ 50 ids); resolves with the HTTP status. */
  removeMembers(groupId: string, userIds: readonly string[]): Promise<number>;
  /** Role + division grants held by a group as subject (`GET /api/v2/authorization/subjects/{groupId}`). */
  getRoleGrants?(groupId: string): Promise<RoleGrant[]>;
}
