/**
 * Best-effort `expand`: users Genesys returns without a requested expansion are re-read by id, only those still
 * incomplete each round, a bounded number of rounds; then the attempt fails rather than plan from missing data.
 */
import type { GenesysDirectory } from '../../activities/directory';
import { EXPANSION_REREAD_ROUNDS, makeUserReads } from '../../activities/user-reads';
import type { GenesysApiUser } from '../../src/core/directory-user';

const full = (id: string): GenesysApiUser => ({
  id,
  name: id,
  state: 'active',
  authorization: { roles: [{ id: 'r1', name: 'Agent' }] },
  skills: [],
});
const withoutRoles = (id: string): GenesysApiUser => ({ id, name: id, state: 'active', skills: [] });

/** Answers id reads, leaving out `authorization` for the ids `dropFor(round, id)` names. */
function directory(dropFor: (round: number, id: string) => boolean) {
  const reads: string[][] = [];
  const dir = {
    getUsersByIds: async (ids: readonly string[]) => {
      reads.push([...ids]);
      return ids.map((id) => (dropFor(reads.length, id) ? withoutRoles(id) : full(id)));
    },
  } as unknown as GenesysDirectory;
  return { dir, reads };
}

const expand = ['authorization', 'skills'];

it('re-reads only the users still missing an expansion, round after round, until all are complete', async () => {
  // u1 and u2 came back without roles; on the first re-read u2 is dropped again, on the second it is complete.
  const { dir, reads } = directory((round, id) => round === 1 && id === 'u2');
  const { completeExpansions } = makeUserReads({ directory: dir });
  const users = await completeExpansions([full('u0'), withoutRoles('u1'), withoutRoles('u2')], expand);
  expect(reads).toEqual([['u1', 'u2'], ['u2']]);
  expect(users.map((u) => [u.id, u.roles.map((r) => r.name)])).toEqual([
    ['u0', ['Agent']],
    ['u1', ['Agent']],
    ['u2', ['Agent']],
  ]);
});

it('reads nothing when every user is complete', async () => {
  const { dir, reads } = directory(() => true);
  const { completeExpansions } = makeUserReads({ directory: dir });
  await completeExpansions([full('u0')], expand);
  expect(reads).toEqual([]);
});

it(`fails closed (non-retryable) after ${EXPANSION_REREAD_ROUNDS} re-reads that still lack the expansion, naming it and a user`, async () => {
  const { dir, reads } = directory((_round, id) => id === 'u1');
  const { completeExpansions } = makeUserReads({ directory: dir });
  await expect(completeExpansions([withoutRoles('u1'), full('u0')], expand)).rejects.toMatchObject({
    type: 'SnapshotInconsistent',
    nonRetryable: true,
    message: `1 user(s) still came back without authorization (or not at all) after ${EXPANSION_REREAD_ROUNDS} re-reads by id (e.g. u1); not planning from incomplete data`,
  });
  expect(reads).toHaveLength(EXPANSION_REREAD_ROUNDS);
});

it('keeps a user the re-read does not return (deactivated meanwhile) as missing, and fails', async () => {
  const dir = { getUsersByIds: async () => [] } as unknown as GenesysDirectory;
  const { completeExpansions } = makeUserReads({ directory: dir });
  await expect(completeExpansions([withoutRoles('u1')], expand)).rejects.toThrow(/1 user\(s\) still came back/);
});
