/**
 * User reads shared by the snapshot and the planner: turning API users into {@link DirectoryUser}s with every
 * requested expansion present, re-reading by id the users Genesys returned without them.
 */
import type { DirectoryUser, GenesysApiUser } from '../src/core/directory-user';
import { fromGenesysUser } from '../src/core/directory-user';
import type { ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';

export function makeUserReads(deps: Pick<ActivityDeps, 'directory'>) {
  /**
   * Genesys resolves `expand` "best effort": a user returned without `authorization` would look role-less and
   * an `exact` group would drop them. Such users are fetched again by id; if still incomplete, the attempt fails
   * (retryable) rather than plan removals from missing data.
   */
  async function completeExpansions(apiUsers: GenesysApiUser[], expand: readonly string[]): Promise<DirectoryUser[]> {
    const incomplete = (u: GenesysApiUser) => missingExpansions(u, expand).length > 0;
    let users = apiUsers;
    const missing = users.filter(incomplete).map((u) => u.id as string);
    if (missing.length) {
      let refetched: GenesysApiUser[];
      try {
        refetched = await deps.directory.getUsersByIds(missing, expand);
      } catch (err) {
        throw toDirectoryFailure(err, 're-reading users with incomplete expansions');
      }
      const byId = new Map(refetched.map((u) => [u.id, u]));
      users = users.map((u) => byId.get(u.id) ?? u);
      const still = users.filter(incomplete);
      if (still.length) {
        throw new Error(
          `${still.length} user(s) came back without ${expand.join(',')} (e.g. ${still[0].id}); not planning from incomplete data`,
        );
      }
    }
    return users.map(fromGenesysUser);
  }

  return { completeExpansions };
}

function missingExpansions(user: GenesysApiUser, expand: readonly string[]): string[] {
  const u = user as Record<string, unknown>;
  return expand.filter((field) => u[field] === undefined);
}
