/**
 * User reads shared by the snapshot and the planner: turning API users into {@link DirectoryUser}s with every
 * requested expansion present, re-reading by id the users Genesys returned without them.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { DirectoryUser, GenesysApiUser } from '../src/core/directory-user';
import { fromGenesysUser } from '../src/core/directory-user';
import { FAILURE_TYPES } from '../src/core/failure-types';
import type { ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';

/**
 * Re-reads by id of the users still missing an expansion, before the attempt gives up. Genesys drops expansions
 * "best effort" per answer, so each round re-reads only the users still incomplete: a share p of drops leaves about
 * p^rounds of them: eight rounds take even a 30 % drop down to about one user in 15,000. Rounds are cheap once few
 * users are left (100 ids per call).
 */
export const EXPANSION_REREAD_ROUNDS = 8;

export function makeUserReads(deps: Pick<ActivityDeps, 'directory'>) {
  /**
   * Genesys resolves `expand` "best effort": a user returned without `authorization` would look role-less and
   * an `exact` group would drop them. Such users are fetched again by id, up to {@link EXPANSION_REREAD_ROUNDS}
   * times; if some are still incomplete the run fails closed (non-retryable `SnapshotInconsistent`: re-listing
   * everything for hours would spend the budget on what eight targeted re-reads could not get) rather than plan
   * removals from missing data. The next run reads again.
   */
  async function completeExpansions(apiUsers: GenesysApiUser[], expand: readonly string[]): Promise<DirectoryUser[]> {
    const incomplete = (u: GenesysApiUser) => missingExpansions(u, expand).length > 0;
    let users = apiUsers;
    let missing = users.filter(incomplete);
    for (let round = 1; missing.length > 0; round++) {
      if (round > EXPANSION_REREAD_ROUNDS) {
        const example = missing[0];
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.snapshotInconsistent,
          nonRetryable: true,
          message:
            `${missing.length} user(s) still came back without ${missingExpansions(example, expand).join(',')} ` +
            `(or not at all) after ${EXPANSION_REREAD_ROUNDS} re-reads by id (e.g. ${String(example.id)}); ` +
            'not planning from incomplete data',
        });
      }
      let refetched: GenesysApiUser[];
      try {
        refetched = await deps.directory.getUsersByIds(
          missing.map((u) => u.id as string),
          expand,
        );
      } catch (err) {
        throw toDirectoryFailure(err, 're-reading users with incomplete expansions');
      }
      // A complete answer replaces the user; an incomplete one (or none: deactivated meanwhile) leaves them missing.
      const byId = new Map(refetched.filter((u) => !incomplete(u)).map((u) => [u.id, u]));
      users = users.map((u) => byId.get(u.id) ?? u);
      missing = missing.filter((u) => !byId.has(u.id));
    }
    return users.map(fromGenesysUser);
  }

  return { completeExpansions };
}

function missingExpansions(user: GenesysApiUser, expand: readonly string[]): string[] {
  const u = user as Record<string, unknown>;
  return expand.filter((field) => u[field] === undefined);
}
