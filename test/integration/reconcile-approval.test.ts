/**
 * Issue 3, approval gate: an over-threshold plan waits and says so in `status`; an approval naming another
 * digest is refused; approve → applied; reject → nothing written; timeout → expired. Each decision is audited
 * with who and when. Each test replays its own runs' histories on today's code (no test replays another's). Every
 * test starts from the seeded org (`resetOrg`) and looks only at its own runs, so any test can run alone (`-t`) or
 * in any order.
 */
import { approveSignal, rejectSignal, statusQuery } from '../../workflows/messages';
import { approve, DecisionRefusedError, reject } from '../../src/client/reconciliation-client';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor, type Reconciler } from '../support/reconciler';
import { resetOrg, useReconcilerStack } from '../support/reconciler-stack';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker/worker';
import { bundleWorkflowsOnce, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let rec: Reconciler;
// Any removal needs approval; the timeout is an input, so the expiry case takes seconds, not a day.
const policy = (timeout: string) =>
  ['requireApproval: auto', 'maxRemovals: 0', 'maxRemovalRatio: 1', `approvalTimeout: ${timeout}`].join('\n  ');

const stack = useReconcilerStack({ emulator: { users: 200, groups: 4, seed: 5 } });
beforeAll(() => ({ temporal, rec } = stack()));
// The seeded org has members to remove in every ruled group: each test's plan needs approval.
beforeEach(() => resetOrg(rec));

function writes(): number {
  const counts = rec.emulator.state.callsReport().counts;
  return (counts['POST /api/v2/groups/{id}/members'] ?? 0) + (counts['DELETE /api/v2/groups/{id}/members'] ?? 0);
}

async function awaitingApproval(workflowId: string) {
  const handle = temporal.client.workflow.getHandle(workflowId);
  return waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
}

/**
 * Replays the closed run `workflowId` (and its apply child, when it applied) on today's workflow code: throws
 * DeterminismViolationError if the code would not produce the recorded history (signals, Updates, timers, children).
 */
async function expectReplays(workflowId: string, opts: { child?: boolean } = {}): Promise<void> {
  const bundle = await bundleWorkflowsOnce(WORKFLOWS_PATH);
  // Four groups fit in one apply child. Closed runs are fetched by id (no visibility query, which may lag).
  for (const id of opts.child ? [workflowId, `${workflowId}/apply-1`] : [workflowId]) {
    const history = await temporal.client.workflow.getHandle(id).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, id);
  }
}

it('rejects: nothing is written and the rejection is audited with who and why', async () => {
  const handle = await rec.start({
    mode: 'apply',
    rules: rulesFor(rec.emulator, { policy: policy('1h') }),
  });
  const status = await awaitingApproval(handle.workflowId);
  expect(status.phase).toBe('awaiting-approval');
  expect(status.approvalReasons.join(' ')).toMatch(/remov/);
  await handle.signal(rejectSignal, { by: 'carol@example.com', reason: 'not during the sale' });
  const result = await handle.result();
  await expectReplays(handle.workflowId);
  expect(result.status).toBe('rejected');
  expect(writes()).toBe(0);
  const rejected = (await rec.auditEntries()).find(
    (e) => e.type === 'approval.rejected' && e.workflowId === handle.workflowId,
  );
  expect(rejected).toMatchObject({
    actor: 'carol@example.com',
    reason: 'not during the sale',
    planDigest: status.planDigest,
  });
  expect(Date.parse(rejected!.at)).not.toBeNaN();
});

it('expires without writing when nobody decides in time', async () => {
  const handle = await rec.start({
    mode: 'apply',
    rules: rulesFor(rec.emulator, { policy: policy('2s') }),
  });
  const result = await handle.result();
  await expectReplays(handle.workflowId);
  expect(result.status).toBe('expired');
  expect(writes()).toBe(0);
  const entries = (await rec.auditEntries()).filter((e) => e.workflowId === handle.workflowId);
  expect(entries.map((e) => e.type)).toContain('approval.expired');
});

it('refuses an approval for another digest, then applies the approved plan', async () => {
  const handle = await rec.start({
    mode: 'apply',
    rules: rulesFor(rec.emulator, { policy: policy('1h') }),
  });
  const status = await awaitingApproval(handle.workflowId);
  expect(status.planDigest).toMatch(/^[0-9a-f]{64}$/);
  expect(status.totals!.removes).toBeGreaterThan(0);

  await handle.signal(approveSignal, { by: 'mallory', planDigest: '0'.repeat(64) });
  await handle.signal(approveSignal, { by: '  ', planDigest: status.planDigest! }); // right plan, nobody named
  const afterRefusal = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.refusedApprovals.length === 2,
  );
  expect(afterRefusal.awaitingApproval).toBe(true);
  expect(writes()).toBe(0);

  await handle.signal(approveSignal, { by: 'dave@example.com', planDigest: status.planDigest!, comment: 'checked' });
  const result = await handle.result();
  await expectReplays(handle.workflowId, { child: true });
  expect(result.status).toBe('completed');
  for (const [groupId, want] of expectedMembers(rec.emulator)) {
    expect(rec.emulator.state.groupMembers(groupId).slice().sort()).toEqual(want);
  }
  const entries = (await rec.auditEntries()).filter((e) => e.workflowId === handle.workflowId);
  const refusals = entries.filter((e) => e.type === 'approval.refused');
  expect(refusals).toHaveLength(2);
  expect(refusals[0]).toMatchObject({ actor: 'mallory', expectedDigest: status.planDigest, reason: 'digest-mismatch' });
  expect(refusals[1]).toMatchObject({ actor: 'anonymous', reason: 'missing-approver' });
  const granted = entries.find((e) => e.type === 'approval.granted');
  expect(granted).toMatchObject({ actor: 'dave@example.com', planDigest: status.planDigest, comment: 'checked' });
  const changes = entries.filter((e) => e.type === 'membership.change' && e.outcome === 'applied');
  expect(changes.length).toBe(result.totals.added + result.totals.removed);
  for (const c of changes) expect(String(c.approvalRef)).toContain('dave@example.com');
});

it('answers approvals sent as Updates at once: refused with the reason, or accepted and audited with the origin', async () => {
  // Earlier tests converged the org: put an outsider into one group so the plan has a removal to approve.
  const [groupId, want] = [...expectedMembers(rec.emulator)][0];
  const outsider = rec.emulator.state.listUsers().find((u) => !want.includes(u.id))!.id;
  rec.emulator.state.applyFaults({ concurrentEdit: { groupId, addUserIds: [outsider] } });
  const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator, { policy: policy('1h') }) });
  const status = await awaitingApproval(handle.workflowId);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (err: Error) => `${err.name}: ${err.message}`,
    );

  expect(await refusal(approve(temporal.client, handle.workflowId, { by: 'erin', planDigest: 'f'.repeat(64) }))).toBe(
    `DecisionRefusedError: plan digest ${'f'.repeat(64)} is not the digest of the plan awaiting approval (${status.planDigest})`,
  );
  expect(await refusal(approve(temporal.client, handle.workflowId, { by: ' ', planDigest: status.planDigest! }))).toBe(
    'DecisionRefusedError: a decision must name who makes it (by)',
  );
  expect(await refusal(reject(temporal.client, handle.workflowId, { by: '', reason: 'x' }))).toMatch(/must name who/);
  // Refused Updates leave no trace in the run: still waiting, nothing written, nothing recorded as refused.
  expect((await handle.query(statusQuery)).refusedApprovals).toEqual([]);
  expect(writes()).toBe(0);

  const accepted = await approve(temporal.client, handle.workflowId, {
    by: 'erin@example.com',
    planDigest: status.planDigest!,
    origin: { via: 'cli', osUser: 'erin' },
  });
  expect(accepted).toEqual({ decision: 'approved', by: 'erin@example.com', planDigest: status.planDigest });
  // A second decision is refused: the run is no longer awaiting one.
  expect(await refusal(reject(temporal.client, handle.workflowId, { by: 'frank', reason: 'late' }))).toMatch(
    /^DecisionRefusedError: the run is not awaiting approval/,
  );
  expect((await handle.result()).status).toBe('completed');
  await expectReplays(handle.workflowId, { child: true });
  const granted = (await rec.auditEntries()).find(
    (e) => e.type === 'approval.granted' && e.workflowId === handle.workflowId,
  );
  expect(granted).toMatchObject({ actor: 'erin@example.com', via: 'cli', osUser: 'erin' });
  expect(DecisionRefusedError).toBeDefined();
});
