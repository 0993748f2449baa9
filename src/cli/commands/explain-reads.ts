/**
 * The Genesys reads `gcsync explain` makes: one user (by id, or found by exact email), the group listing (to resolve
 * names) and `/individuals` of the groups asked about. Never a users listing. Every SDK call goes through
 * {@link sdkCall}, the one place that knows the client's call shape.
 */
import type { GenesysApiUser } from '../../core/directory-user';
import type { GenesysGroupRef } from '../../core/group-refs';
import type { GenesysApis, GenesysClient, GenesysResponse } from '../../genesys/client';
import type { GenesysListing } from '../../genesys/listing';

/** A user as read for explain: the rules' attributes plus what identifies them to a person. */
export interface ExplainApiUser extends GenesysApiUser {
  email?: string | null;
  username?: string | null;
}

/** The reads explain needs (an interface, so the command can be tested in-process with a fake). */
export interface ExplainReads {
  /** Users whose email is exactly `email` (`POST /api/v2/users/search`, `EXACT` criterion). */
  findUsersByEmail(email: string): Promise<ExplainApiUser[]>;
  /** One user in any state with `expand` (`GET /api/v2/users?id=…&state=any`); undefined when there is none. */
  getUser(id: string, expand: readonly string[]): Promise<ExplainApiUser | undefined>;
  /** Every group (all pages of `GET /api/v2/groups`). */
  listGroups(): Promise<GenesysGroupRef[]>;
  /** Ids of the group's individual members (`GET /api/v2/groups/{id}/individuals`). */
  getIndividualIds(groupId: string): Promise<string[]>;
}

const GROUPS_PAGE_SIZE = 500;
/** Enough to see that an email is ambiguous; an exact email normally matches one user. */
const SEARCH_PAGE_SIZE = 25;

/** Runs one SDK call through the client's `call` wrapper (pacing, re-login, error mapping, token pool). */
function sdkCall<T>(client: GenesysClient, fn: (api: GenesysApis) => Promise<T>): Promise<GenesysResponse<T>> {
  return client.call(fn);
}

/** {@link ExplainReads} over a logged-in client. */
export function createExplainReads(client: GenesysClient): ExplainReads {
  return {
    async findUsersByEmail(email) {
      const res = await sdkCall(client, (api) =>
        api.users.postUsersSearch({
          pageSize: SEARCH_PAGE_SIZE,
          pageNumber: 1,
          query: [{ type: 'EXACT', fields: ['email'], value: email }],
        }),
      );
      return (res.body?.results ?? []) as ExplainApiUser[];
    },

    async getUser(id, expand) {
      const res = await sdkCall(client, (api) =>
        api.users.getUsers({ id: [id], pageSize: 1, state: 'any', ...(expand.length ? { expand: [...expand] } : {}) }),
      );
      const users = (res.body?.entities ?? []) as ExplainApiUser[];
      // Only the user asked for: a server that ignored the id filter must not make us explain someone else.
      return users.find((user) => user.id === id);
    },

    async listGroups() {
      const groups: GenesysGroupRef[] = [];
      for (let pageNumber = 1; ; pageNumber++) {
        const res = await sdkCall(client, (api) => api.groups.getGroups({ pageSize: GROUPS_PAGE_SIZE, pageNumber }));
        const body = (res.body ?? {}) as GenesysListing<{ id?: string; name?: string }>;
        for (const g of body.entities ?? []) if (g.id) groups.push({ id: g.id, name: g.name ?? '' });
        if (!body.nextUri || pageNumber >= (body.pageCount ?? 0)) return groups;
      }
    },

    async getIndividualIds(groupId) {
      const res = await sdkCall(client, (api) => api.groups.getGroupIndividuals(groupId));
      const body = (res.body ?? {}) as GenesysListing<{ id?: string }>;
      return (body.entities ?? []).flatMap((u) => (u.id ? [u.id] : []));
    },
  };
}
