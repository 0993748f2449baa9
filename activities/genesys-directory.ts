/**
 * {@link GenesysDirectory} over the official SDK: the reads and membership writes the activities need, with the
 * real API's paging (`pageNumber`/`pageCount`/`nextUri`), id batching and 50-id write limits.
 */
import type { GenesysDirectory, GroupInfo, UsersCursorPage, UsersPage } from './directory';
import type { GenesysApiUser } from '../src/core/directory-user';
import type { RoleGrant } from '../src/core/role-grants';
import { toGenesysApiError } from '../src/genesys/api-error';
import type { GenesysClient } from '../src/genesys/client';
import { entitiesOfWholeListing, type GenesysListing } from '../src/genesys/listing';

/** Ids per `GET /api/v2/users?id=` request (keeps URLs short). */
const IDS_PER_LOOKUP = 100;
/** Page size for group listings (the largest CX as Code uses). */
const GROUPS_PAGE_SIZE = 500;

interface ApiGroup {
  id?: string;
  name?: string;
  version?: number;
  memberCount?: number;
  rolesEnabled?: boolean;
}

/** Builds the directory over a logged-in client (see `createGenesysClient`). */
export function createGenesysDirectory(client: GenesysClient): GenesysDirectory {
  const toGroup = (g: ApiGroup): GroupInfo => ({
    id: String(g.id),
    name: String(g.name ?? ''),
    version: Number(g.version ?? 0),
    ...(g.memberCount !== undefined ? { memberCount: Number(g.memberCount) } : {}),
    ...(typeof g.rolesEnabled === 'boolean' ? { rolesEnabled: g.rolesEnabled } : {}),
  });

  return {
    async listUsersPage(pageNumber: number, pageSize: number, expand: readonly string[]): Promise<UsersPage> {
      const res = await client.call<GenesysListing<GenesysApiUser>>((api) =>
        api.users.getUsers({
          pageSize,
          pageNumber,
          state: 'active',
          ...(expand.length ? { expand: [...expand] } : {}),
        }),
      );
      const body = res.body ?? {};
      return {
        users: body.entities ?? [],
        pageNumber: body.pageNumber ?? pageNumber,
        pageCount: body.pageCount ?? 0,
        total: body.total ?? 0,
        ...(body.nextUri ? { nextUri: body.nextUri } : {}),
      };
    },

    async listUsersByCursor(
      cursor: string | undefined,
      pageSize: number,
      expand: readonly string[],
    ): Promise<UsersCursorPage> {
      const res = await client.call<{ entities?: GenesysApiUser[]; cursor?: string }>((api) =>
        api.users.getUsersQuery({
          pageSize,
          state: 'active',
          ...(cursor ? { cursor } : {}),
          ...(expand.length ? { expand: [...expand] } : {}),
        }),
      );
      const body = res.body ?? {};
      return { users: body.entities ?? [], ...(body.cursor ? { cursor: body.cursor } : {}) };
    },

    async getUsersByIds(
      ids: readonly string[],
      expand: readonly string[],
      state: 'active' | 'any' = 'active',
    ): Promise<GenesysApiUser[]> {
      const users: GenesysApiUser[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
        const batch = ids.slice(i, i + IDS_PER_LOOKUP);
        const res = await client.call<GenesysListing<GenesysApiUser>>((api) =>
          api.users.getUsers({
            id: batch,
            pageSize: batch.length,
            state,
            ...(expand.length ? { expand: [...expand] } : {}),
          }),
        );
        users.push(...(res.body?.entities ?? []));
      }
      return users;
    },

    async listAllGroups(): Promise<GroupInfo[]> {
      const groups: GroupInfo[] = [];
      for (let pageNumber = 1; ; pageNumber++) {
        const res = await client.call<GenesysListing<ApiGroup>>((api) =>
          api.groups.getGroups({ pageSize: GROUPS_PAGE_SIZE, pageNumber }),
        );
        const body = res.body ?? {};
        groups.push(...(body.entities ?? []).map(toGroup));
        if (!body.nextUri || pageNumber >= (body.pageCount ?? 0)) return groups;
      }
    },

    async getGroup(groupId: string): Promise<GroupInfo> {
      const res = await client.call<ApiGroup>((api) => api.groups.getGroup(groupId));
      return toGroup(res.body ?? {});
    },

    async getIndividuals(groupId: string): Promise<string[]> {
      const res = await client.call<GenesysListing<{ id?: string }>>((api) => api.groups.getGroupIndividuals(groupId));
      return entitiesOfWholeListing(res.body, `GET /api/v2/groups/${groupId}/individuals`).map((u) => String(u.id));
    },

    async addMembers(groupId: string, userIds: readonly string[], version: number): Promise<number> {
      const res = await client.call((api) =>
        api.groups.postGroupMembers(groupId, { memberIds: [...userIds], version }),
      );
      return res.status;
    },

    async getRoleGrants(groupId: string): Promise<RoleGrant[]> {
      let res;
      try {
        res = await client.call((api) => api.authorization.getAuthorizationSubject(groupId));
      } catch (err) {
        // A subject that was never granted anything may not exist as a subject (unconfirmed): no grants.
        if (toGenesysApiError(err).status === 404) return [];
        throw err;
      }
      return (res.body?.grants ?? [])
        .filter((g) => g.role?.id)
        .map((g) => ({
          roleId: String(g.role!.id),
          ...(g.role?.name ? { roleName: g.role.name } : {}),
          ...(g.division?.id ? { divisionId: g.division.id } : {}),
          ...(g.division?.name ? { divisionName: g.division.name } : {}),
        }));
    },

    async removeMembers(groupId: string, userIds: readonly string[]): Promise<number> {
      const res = await client.call((api) => api.groups.deleteGroupMembers(groupId, userIds.join(',')));
      return res.status;
    },
  };
}
