/**
 * `computeRevertPlan` against an in-memory audit log, blob store and directory: the revert of a run's changes still
 * in place is stored like any plan; a deleted user is not added back (and the approver is told); a record that does
 * not hold together is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/deps';
import { blobKeys } from '../../activities/deps';
import type { GenesysDirectory } from '../../activities/directory';
import type { StoredGroupPlan } from '../../activities/plan-store';
import { makeRevertPlanActivities } from '../../activities/revert-plan';
import type { ChangedGroup, ComputeRevertPlanResult, ResolvedTarget } from '../../activities/types';
import type { AuditEvent } from '../../src/audit/entry';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { parseRules } from '../../src/core/rules-parse';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { LocalOwnershipLedger } from '../../src/store/local-ownership-ledger';

const reverted = { workflowId: 'gcsync-apply-1', runId: 'run-1' };
const ctx = { workflowId: 'gcsync-revert-1', runId: 'run-9' };
const target: ResolvedTarget = {
  key: 'Support',
  groupId: 'g1',
  groupName: 'Support',
  mode: 'exact',
  idpGroupId: 'idp-g1',
  version: 3,
};

/** Members of g1 now, and the users the directory still has (all active). */
class FakeDirectory implements GenesysDirectory {
  constructor(
    public members: string[],
    public users: string[],
  ) {}
  listUsersPage = async () => ({ users: [], pageNumber: 1, pageCount: 0, total: 0 });
  getUsersByIds = async (ids: readonly string[]) =>
    this.users.filter((id) => ids.includes(id)).map((id) => ({ id, name: `User ${id}`, state: 'active' }));
  listAllGroups = async () => [];
  getGroup = async (id: string) => ({ id, name: id, version: 7 });
  getIndividuals = async () => [...this.members];
  addMembers = async () => 202;
  removeMembers = async () => 202;
}

let dir: string;
let deps: ActivityDeps;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcsync-revert-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function setUp(directory: GenesysDirectory, changes: Array<[string, 'add' | 'remove', string?]>) {
  deps = {
    directory,
    blobs: new LocalBlobStore({ dir, gzip: false }),
    audit: new MemoryAuditSink(),
    ledger: new LocalOwnershipLedger({ dir }),
  };
  const doc = parseRules('version: 1\ngroups:\n  - group: Support\n    include: { department: Support }\n', 'r.yaml');
  await deps.blobs.put(blobKeys.rules(reverted), doc);
  await deps.blobs.put(blobKeys.targets(reverted), [target]);
  const at = '2026-12-06T00:00:00.000Z';
  const events: AuditEvent[] = [
    { type: 'run.started', id: 'started', at, ...reverted },
    ...changes.map(([userId, op, groupId = 'g1']): AuditEvent => ({
      type: 'membership.change',
      id: `${groupId}/${op}/${userId}`,
      at,
      ...reverted,
      groupId,
      groupName: groupId,
      userId,
      op,
      batchIndex: 0,
      groupVersion: 3,
      outcome: 'applied',
    })),
    { type: 'run.finished', id: 'finished', at, ...reverted },
  ];
  await deps.audit.append(events);
}

const computeRevertPlan = (revertOf: { workflowId: string; runId?: string } = reverted) =>
  new MockActivityEnvironment().run(makeRevertPlanActivities(deps).computeRevertPlan, {
    ctx,
    input: { mode: 'apply' as const, revertOf },
  }) as Promise<ComputeRevertPlanResult>;

it('stores the inverse of what is still in place as a plan, the run id resolved, a deleted user not added back', async () => {
  // The run added a1 and a2 and removed r1 and r2; a2 has left since, r2 was deleted.
  await setUp(new FakeDirectory(['a1', 'keep'], ['a1', 'a2', 'r1', 'keep']), [
    ['a1', 'add'],
    ['a2', 'add'],
    ['r1', 'remove'],
    ['r2', 'remove'],
  ]);
  const result = await computeRevertPlan({ workflowId: reverted.workflowId });
  if (!result.ok) throw new Error(result.message);
  expect(result.revertOf).toEqual(reverted);
  expect(result.plan).toMatchObject({
    totals: { adds: 1, removes: 1, groupsChanged: 1, groups: 1 },
    changedCount: 1,
    approvalRequired: true, // removing 1 of 2 members is more than maxRemovalRatio 0.2
    warnings: expect.arrayContaining([
      'revert: 1 member(s) added by gcsync-apply-1/run-1 are no longer members (left as they are)',
      'revert: 1 user(s) removed by gcsync-apply-1/run-1 no longer exist or are not active (not added back)',
    ]),
  });
  expect(result.prepared).toMatchObject({ ok: true, targetCount: 1, expand: [] });
  const [changed] = await deps.blobs.get<ChangedGroup[]>(result.plan.changedRef);
  const stored = await deps.blobs.get<StoredGroupPlan>(changed.groupPlanRef);
  expect(stored).toMatchObject({
    revertOf: reverted,
    observedVersion: 7,
    approved: { toAdd: ['r1'], toRemove: ['a1'] },
    observed: ['a1', 'keep'],
    desired: ['keep', 'r1'],
    members: {
      add: [{ id: 'r1', name: 'User r1', clause: 'revert', reason: 'revert: removed by the reverted run' }],
      remove: [{ id: 'a1', name: 'User a1', clause: 'revert', reason: 'revert: added by the reverted run' }],
    },
  });
});

it("refuses when the run's stored rules and targets are gone", async () => {
  await setUp(new FakeDirectory([], []), [['a1', 'add']]);
  rmSync(join(dir, 'blobs', 'runs'), { recursive: true, force: true });
  expect(await computeRevertPlan()).toEqual({
    ok: false,
    kind: 'revert-refused',
    message:
      'the stored rules or targets of run gcsync-apply-1/run-1 are gone from the plan store (needed for its policy, ' +
      'group modes and IdP group ids): refusing to revert',
  });
});

it('refuses a record naming a group the run did not target', async () => {
  await setUp(new FakeDirectory([], []), [['a1', 'add', 'g-other']]);
  const result = await computeRevertPlan();
  expect(result).toMatchObject({ ok: false, kind: 'revert-refused' });
  expect(!result.ok && result.message).toContain('group(s) g-other that its stored targets do not list');
});
