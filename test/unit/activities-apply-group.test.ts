/**
 * `applyGroup` against an in-memory group in Temporal's MockActivityEnvironment: the first attempt spends only the
 * writes; a 409 or a retried attempt re-reads and converges; changes an earlier attempt made are recorded once, in
 * the audit log and in the ownership ledger (managed mode keeps ownership across a crash).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { makeApplyGroup, type AppliedChanges } from '../../activities/apply-group';
import type { ActivityDeps } from '../../activities/deps';
import type { GenesysDirectory } from '../../activities/directory';
import type { StoredGroupPlan } from '../../activities/plan';
import type { ApplyGroupResult } from '../../activities/types';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { planGroup } from '../../src/core/diff';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { LocalOwnershipLedger } from '../../src/store/local-ownership-ledger';

const ctx = { workflowId: 'wf', runId: 'run-1' };

/** One group with a version that moves on every change, and a call log. */
class OneGroup implements GenesysDirectory {
  version = 5;
  members = new Set<string>();
  calls: string[] = [];
  listUsersPage = async () => ({ users: [], pageNumber: 1, pageCount: 0, total: 0 });
  getUsersByIds = async () => [];
  listAllGroups = async () => [];
  async getGroup(id: string) {
    this.calls.push('GET group');
    return { id, name: 'G', version: this.version };
  }
  async getIndividuals() {
    this.calls.push('GET individuals');
    return [...this.members];
  }
  async addMembers(_id: string, ids: readonly string[], version: number) {
    this.calls.push(`POST v${version}`);
    if (version !== this.version) throw { status: 409, code: 'general.conflict', message: 'Unexpected version' };
    ids.forEach((u) => this.members.add(u));
    this.version += 1;
    return 202;
  }
  async removeMembers(_id: string, ids: readonly string[]) {
    this.calls.push('DELETE');
    ids.forEach((u) => this.members.delete(u));
    this.version += 1;
    return 202;
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcsync-apply-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function setUp(mode: 'exact' | 'managed', observed: string[], desired: string[]) {
  const directory = new OneGroup();
  observed.forEach((u) => directory.members.add(u));
  const audit = new MemoryAuditSink();
  const ledger = new LocalOwnershipLedger({ dir });
  const deps: ActivityDeps = { directory, blobs: new LocalBlobStore({ dir, gzip: false }), audit, ledger };
  if (mode === 'managed')
    await ledger.recordAdded(
      'g1',
      observed.filter((u) => !desired.includes(u)),
    );
  const approved = planGroup({
    groupId: 'g1',
    groupName: 'G',
    mode,
    desired,
    current: observed,
    ownedByTool: await ledger.ownedBy('g1'),
  });
  const stored: StoredGroupPlan = {
    planId: 'p',
    planDigest: 'd',
    approved,
    target: { key: 'G', groupId: 'g1', groupName: 'G', mode, idpGroupId: 'g1', version: 5 },
    observedVersion: 5,
    desired,
    observed,
    members: { add: [], remove: [] },
  };
  const groupPlanRef = (await deps.blobs.put('plan-g1', stored)).ref;
  const input = { ctx, groupPlanRef, groupId: 'g1', approvalRef: 'policy' };
  return { directory, audit, ledger, deps, input };
}

const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

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
