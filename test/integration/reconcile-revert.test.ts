/**
 * `revertOf` on the real stack (emulator + dev server + worker): a run that adds and removes members in an exact and
 * a managed group is reverted through the gate and the apply children; membership and the ownership ledger are back
 * where they were before the run, the audit says it was a revert, and a second revert finds nothing left to undo.
 * Unknown runs and runs that applied nothing are refused with nothing written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { resultOf } from '../../src/client/reconciliation-client';
import { WORKFLOWS_PATH } from '../../src/worker/worker';
import type { reconcileGroups } from '../../workflows';
import { approveUpdate, statusQuery, type ReconcileResult } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startReconciler, waitFor, type Reconciler } from '../support/reconciler';
import { bundleWorkflowsOnce, startTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let rec: Reconciler;
const ids: Record<string, string> = {};
const groups: Record<'exact' | 'managed', string> = { exact: '', managed: '' };

const rules = [
  'version: 1',
  'policy:',
  '  requireApproval: never',
  'groups:',
  '  - group: Exact Team',
  '    mode: exact',
  '    include: { department: A }',
  '  - group: Managed Team',
  '    mode: managed',
  '    include: { department: B }',
  '',
].join('\n');

const named = (...names: string[]) => names.map((n) => ids[n]).sort();
const members = (groupId: string) => rec.emulator.state.groupMembers(groupId).slice().sort();
const membership = () => ({ exact: members(groups.exact), managed: members(groups.managed) });
const writes = () => {
  const counts = rec.emulator.state.callsReport().counts;
  return (counts['POST /api/v2/groups/{id}/members'] ?? 0) + (counts['DELETE /api/v2/groups/{id}/members'] ?? 0);
};
const entriesOf = async (workflowId: string) => (await rec.auditEntries()).filter((e) => e.workflowId === workflowId);

let original: { workflowId: string; runId: string };
let before: ReturnType<typeof membership>;
let ownedBefore: string[];

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  rec = await startReconciler(temporal, { emulator: { users: 0, groups: 0 } });
  for (const [name, department] of [
    ['a1', 'A'],
    ['a2', 'A'],
    ['a3', 'A'],
    ['b1', 'B'],
    ['b2', 'B'],
    ['b3', 'Later'],
    ['x1', 'X'],
    ['x2', 'X'],
  ]) {
    ids[name] = rec.emulator.state.createUser({ name, department }).id;
  }
  groups.exact = rec.emulator.state.createGroup({ name: 'Exact Team', memberIds: named('a1', 'x1', 'x2') }).id;
  groups.managed = rec.emulator.state.createGroup({ name: 'Managed Team', memberIds: named('x1') }).id;
  // A first run makes gcsync own b1 and b2 in the managed group. Then b1 leaves department B and b3 joins it, so
  // the run below removes b1 (owned) and adds b3 there, and adds a2, a3 and removes x1, x2 in the exact group.
  const first = await rec.run({ mode: 'apply', rules, targetGroups: ['Managed Team'] });
  expect(first.totals).toMatchObject({ added: 2, removed: 0 });
  rec.emulator.state.getUser(ids.b1)!.department = 'C';
  rec.emulator.state.getUser(ids.b3)!.department = 'B';
  before = membership();
  ownedBefore = (await rec.opened.deps.ledger.ownedBy(groups.managed)).slice().sort();

  const handle = await rec.start({ mode: 'apply', rules });
  const result = await resultOf(handle);
  expect(result.status).toBe('completed');
  original = { workflowId: handle.workflowId, runId: (await handle.describe()).runId };
});
afterAll(async () => {
  await rec?.stop();
  await temporal?.stop();
});

async function approveWhenAsked(handle: WorkflowHandle<typeof reconcileGroups>): Promise<ReconcileResult> {
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
  await handle.executeUpdate(approveUpdate, { args: [{ by: 'ops@example.com', planDigest: status.planDigest! }] });
  return resultOf(handle);
}

it('the run being reverted changed both groups', () => {
  expect(membership()).not.toEqual(before);
  expect(before).toEqual({ exact: named('a1', 'x1', 'x2'), managed: named('b1', 'b2', 'x1') });
  expect(membership()).toEqual({ exact: named('a1', 'a2', 'a3'), managed: named('b2', 'b3', 'x1') });
});

it('reverts the run through the gate: membership and ownership are back to before the run, audited as a revert', async () => {
  // The reverted run's policy says never; the override makes this revert wait for a human, like any run can.
  const handle = await rec.start({
    mode: 'apply',
    revertOf: { workflowId: original.workflowId },
    overrides: { requireApproval: 'always' },
    requestedBy: 'test',
  });
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
  expect(status.revertOf).toEqual(original);
  expect(status.totals).toMatchObject({ adds: 3, removes: 3, groupsChanged: 2 });
  const result = await approveWhenAsked(handle);
  expect(result.status).toBe('completed');
  expect(result.totals).toMatchObject({ added: 3, removed: 3, failedGroups: 0 });

  expect(membership()).toEqual(before);
  expect((await rec.opened.deps.ledger.ownedBy(groups.managed)).slice().sort()).toEqual(ownedBefore);

  const entries = await entriesOf(handle.workflowId);
  expect(entries.find((e) => e.type === 'run.started')).toMatchObject({
    actor: 'test',
    revertOf: { workflowId: original.workflowId },
  });
  expect(entries.find((e) => e.type === 'plan.created')).toMatchObject({ revertOf: original });
  const changes = entries.filter((e) => e.type === 'membership.change');
  expect(changes.map((e) => [e.groupId, e.op, e.userId, e.outcome]).sort()).toEqual(
    [
      [groups.exact, 'remove', ids.a2, 'applied'],
      [groups.exact, 'remove', ids.a3, 'applied'],
      [groups.exact, 'add', ids.x1, 'applied'],
      [groups.exact, 'add', ids.x2, 'applied'],
      [groups.managed, 'remove', ids.b3, 'applied'],
      [groups.managed, 'add', ids.b1, 'applied'],
    ].sort(),
  );
  for (const c of changes) {
    expect(c).toMatchObject({ revertOf: original });
    expect(String(c.approvalRef)).toContain('ops@example.com');
  }
});

it('a second revert of the same run finds nothing still in place to undo', async () => {
  rec.emulator.state.resetCalls();
  const handle = await rec.start({ mode: 'apply', revertOf: original });
  const result = await resultOf(handle);
  expect(result.status).toBe('no-changes');
  expect(writes()).toBe(0);
  const status = await handle.query(statusQuery);
  expect(status.warnings).toEqual([
    `revert: 3 member(s) added by ${original.workflowId}/${original.runId} are no longer members (left as they are)`,
    `revert: 3 member(s) removed by ${original.workflowId}/${original.runId} are members again (left as they are)`,
  ]);
  expect(membership()).toEqual(before);
});

it('a revert can itself be reverted: the original changes are back', async () => {
  const reverts = (await rec.auditEntries()).filter(
    (e) => e.type === 'plan.created' && (e.revertOf as { workflowId?: string })?.workflowId === original.workflowId,
  );
  const firstRevert = reverts.find((e) => (e.totals as { adds: number }).adds > 0)!;
  const result = await rec.run({ mode: 'apply', revertOf: { workflowId: firstRevert.workflowId } });
  expect(result).toMatchObject({ status: 'completed', totals: { added: 3, removed: 3 } });
  expect(membership()).toEqual({ exact: named('a1', 'a2', 'a3'), managed: named('b2', 'b3', 'x1') });
});

it.each([
  ['an unknown workflow', { workflowId: 'no-such-run' }, 'no run of workflow no-such-run is in the audit log'],
  ['an unknown run id', { workflowId: 'WF', runId: 'nope' }, 'run WF/nope is not in the audit log'],
])('refuses to revert %s: aborted, audited, nothing written', async (_name, revertOf, message) => {
  const target = { ...revertOf, workflowId: revertOf.workflowId.replace('WF', original.workflowId) };
  rec.emulator.state.resetCalls();
  const handle = await rec.start({ mode: 'apply', revertOf: target });
  const result = await resultOf(handle);
  expect(result.status).toBe('aborted');
  expect(result.error).toContain(message.replace('WF', original.workflowId));
  expect(writes()).toBe(0);
  const aborted = (await entriesOf(handle.workflowId)).find((e) => e.type === 'run.aborted');
  expect(aborted).toMatchObject({ reason: 'revert-refused', message: result.error });
});

it('refuses to revert a run that applied nothing', async () => {
  const dry = await rec.start({ mode: 'plan', rules });
  await resultOf(dry);
  const handle = await rec.start({ mode: 'apply', revertOf: { workflowId: dry.workflowId } });
  const result = await resultOf(handle);
  expect(result).toMatchObject({
    status: 'aborted',
    error: `run ${dry.workflowId}/${(await dry.describe()).runId} applied no membership changes: nothing to revert`,
  });
});

it('replays every recorded history, reverts included, deterministically', async () => {
  const bundle = await bundleWorkflowsOnce(WORKFLOWS_PATH);
  const revertRuns = new Set(
    (await rec.auditEntries()).filter((e) => e.type === 'run.started' && e.revertOf).map((e) => e.runId),
  );
  let reverts = 0;
  for await (const execution of temporal.client.workflow.list({ query: 'ExecutionStatus != "Running"' })) {
    const history = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    // Throws DeterminismViolationError if today's workflow code would not produce the recorded history.
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, execution.workflowId);
    if (revertRuns.has(execution.runId)) reverts += 1;
  }
  expect(reverts).toBeGreaterThanOrEqual(5);
});

// Last: it leaves the audit log tampered with.
it('refuses to revert from an audit log whose hash chain is broken', async () => {
  const file = rec.env.AUDIT_FILE;
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(original.runId) && l.includes('"membership.change"'));
  lines[index] = lines[index].replace(
    /"op":"(add|remove)"/,
    (_m, op: string) => `"op":"${op === 'add' ? 'remove' : 'add'}"`,
  );
  writeFileSync(file, lines.join('\n'));
  rec.emulator.state.resetCalls();
  const handle = await rec.start({ mode: 'apply', revertOf: original });
  const result = await resultOf(handle);
  expect(result.status).toBe('aborted');
  expect(result.error).toMatch(
    new RegExp(
      `^the audit log cannot be trusted \\(entry ${index + 1} \\(.+\\) does not match its hash: it was modified\\)`,
    ),
  );
  expect(writes()).toBe(0);
});
