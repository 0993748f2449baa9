/**
 * `applyGroup` against an in-memory group in Temporal's MockActivityEnvironment: the first attempt spends only the
 * writes; a 409 or a retried attempt re-reads and converges; changes an earlier attempt made are recorded once, in
 * the audit log and in the ownership ledger (managed mode keeps ownership across a crash).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { makeApplyGroup, type AppliedChanges } from '../../activities/apply-group';
import type { ApplyGroupResult } from '../../activities/types';
import type { StoredGroupPlan } from '../../activities/plan';
import { ids, setUpGroup, useTempDir } from './apply-group-fixture';

const tempDir = useTempDir();
const setUp = (mode: 'exact' | 'managed', observed: string[], desired: string[]) =>
  setUpGroup(tempDir(), mode, observed, desired);

describe('applyGroup', () => {
  it('spends only the writes on a first attempt, batches of 50, removals first', async () => {
    const { directory, deps, input } = await setUp('exact', ['x1', 'x2'], ids(120));
    const result = (await new MockActivityEnvironment().run(makeApplyGroup(deps), input)) as ApplyGroupResult;
    expect(directory.calls).toEqual(['DELETE', 'POST v6', 'POST v7', 'POST v8']);
    expect(result).toMatchObject({ added: 120, removed: 2, conflictsResolved: 0 });
    const applied = await deps.blobs.get<AppliedChanges>(result.appliedRef);
    expect(applied.removed).toEqual(['x1', 'x2']);
    expect(applied.added).toHaveLength(120);
  });

  it('re-reads and converges after a 409, without removing anyone the approver did not see', async () => {
    const { directory, deps, input } = await setUp('exact', ['x1'], ['a', 'b']);
    // Someone else edits the group after the plan: the observed version is stale, and 'late' joined.
    directory.version = 9;
    directory.members.add('late');
    const result = (await new MockActivityEnvironment().run(makeApplyGroup(deps), input)) as ApplyGroupResult;
    expect(directory.calls).toEqual(['DELETE', 'POST v6', 'GET group', 'GET individuals', 'DELETE', 'POST v11']);
    expect([...directory.members].sort()).toEqual(['a', 'b']); // 'late' appeared after the plan: rules apply
    expect(result.conflictsResolved).toBe(1);
  });

  it('on a retried attempt records what the earlier attempt did once, ledger included (managed mode)', async () => {
    const { directory, deps, audit, ledger, input } = await setUp('managed', ['old'], ['a', 'b']);
    // The first attempt wrote everything and was killed before it could report.
    directory.members.delete('old');
    directory.members.add('a');
    directory.members.add('b');
    directory.version = 7;
    const env = new MockActivityEnvironment({ attempt: 2 });
    const result = (await env.run(makeApplyGroup(deps), input)) as ApplyGroupResult;
    expect(directory.calls).toEqual(['GET group', 'GET individuals']);
    expect(result).toMatchObject({ added: 2, removed: 1 });
    expect(await ledger.ownedBy('g1')).toEqual(['a', 'b']);
    const outcomes = audit.entries.map((e) => `${String(e.op)} ${String(e.userId)} ${String(e.outcome)}`).sort();
    expect(outcomes).toEqual(['add a already-applied', 'add b already-applied', 'remove old already-applied']);
  });

  it('a revert plan re-read after a 409 does only what was approved, and names the reverted run', async () => {
    const { directory, deps, audit, input } = await setUp('exact', ['x1'], ['a', 'b']);
    const revertOf = { workflowId: 'gcsync-apply-1', runId: 'r1' };
    const stored = await deps.blobs.get<StoredGroupPlan>(input.groupPlanRef);
    const revertInput = { ...input, groupPlanRef: (await deps.blobs.put('plan-g1', { ...stored, revertOf })).ref };
    directory.version = 9;
    directory.members.add('late');
    await new MockActivityEnvironment().run(makeApplyGroup(deps), revertInput);
    // A rules plan would remove 'late' (it appeared after the plan); a revert touches only what it approved.
    expect([...directory.members].sort()).toEqual(['a', 'b', 'late']);
    for (const entry of audit.entries) expect(entry).toMatchObject({ type: 'membership.change', revertOf });
  });
});
