/**
 * How a run ends, on the real dev server: an aborted run fails (`RunAborted`, red in the Web UI) yet every client
 * path still reports `status: aborted` with the precise message; a cancelled run and a run failing for an
 * unexpected reason set their phase and are audited (`run.finished`); the run page (current details, read by the
 * Web UI through the `__temporal_workflow_metadata` query) and the start summary say what the run is.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { workflowMetadataQuery } from '@temporalio/workflow';
import {
  describeRun,
  listRuns,
  resultOf,
  startReconciliation,
  waitForResult,
} from '../../src/client/reconciliation-client';
import { approveSignal, statusQuery } from '../../workflows/messages';
import { RUN_ABORTED_FAILURE } from '../../workflows/run-aborted';
import { PHASE_ATTRIBUTE } from '../../workflows/search-attributes';
import { rulesFor } from '../support/org-rules';
import { waitFor, type Reconciler } from '../support/reconciler';
import { useReconcilerStack } from '../support/reconciler-stack';
import type { TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let rec: Reconciler;

const stack = useReconcilerStack({ emulator: { users: 200, groups: 4, seed: 5 } });
beforeAll(() => ({ temporal, rec } = stack()));

function writes(): number {
  const counts = rec.emulator.state.callsReport().counts;
  return (counts['POST /api/v2/groups/{id}/members'] ?? 0) + (counts['DELETE /api/v2/groups/{id}/members'] ?? 0);
}

/** The run page as the Web UI reads it. */
async function currentDetails(workflowId: string): Promise<string> {
  const metadata = await temporal.client.workflow.getHandle(workflowId).query(workflowMetadataQuery);
  return metadata.currentDetails ?? '';
}

async function phaseAttribute(workflowId: string): Promise<string | undefined> {
  const info = await temporal.client.workflow.getHandle(workflowId).describe();
  return info.typedSearchAttributes.get(PHASE_ATTRIBUTE);
}

/** The run as `gcsync list` shows it, once visibility has caught up with its phase. */
async function listed(workflowId: string, phase: string) {
  const runs = await waitFor(
    () => listRuns(temporal.client, { limit: 100 }),
    (all) => all.some((r) => r.workflowId === workflowId && r.phase === phase),
  );
  return runs.find((r) => r.workflowId === workflowId);
}

async function finishedEntry(workflowId: string) {
  return (await rec.auditEntries()).find((e) => e.workflowId === workflowId && e.type === 'run.finished');
}

it('an aborted run fails as RunAborted, and the client still reports status aborted with the reason', async () => {
  rec.emulator.state.resetCalls();
  const handle = await rec.start({ mode: 'apply', rules: 'version: 1\ngroups:\n  - group: X\n    mode: sometimes\n' });
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause).toMatchObject({ type: RUN_ABORTED_FAILURE, nonRetryable: true });
  expect(cause!.message).toMatch(/groups\[0\]\.mode/);
  expect((await handle.describe()).status.name).toBe('FAILED');

  // Typed client, `gcsync run`/`plan` (waitForResult), `gcsync status` and the HTTP service (describeRun).
  const result = await resultOf(handle);
  expect(result).toMatchObject({ status: 'aborted', groups: [] });
  expect(result.error).toBe(cause!.message);
  expect(await waitForResult(temporal.client, handle.workflowId)).toEqual(result);
  const described = await describeRun(temporal.client, handle.workflowId);
  expect(described).toMatchObject({ executionStatus: 'FAILED', result, status: { phase: 'aborted' } });
  expect(described.failure).toBeUndefined();

  expect(await phaseAttribute(handle.workflowId)).toBe('aborted');
  expect(await listed(handle.workflowId, 'aborted')).toMatchObject({ executionStatus: 'FAILED' });
  expect(await finishedEntry(handle.workflowId)).toMatchObject({ status: 'aborted' });
  const details = await currentDetails(handle.workflowId);
  expect(details).toContain('run: aborted (nothing written)');
  expect(details).toMatch(/\*\*Error:\*\* .*groups\\\[0\\\]\.mode/);
  expect(writes()).toBe(0);
});

it('a waiting run shows its plan and how to approve on the run page, then, cancelled, is audited as cancelled', async () => {
  rec.emulator.state.resetCalls();
  const policy = ['requireApproval: auto', 'maxRemovals: 0', 'maxRemovalRatio: 1', 'approvalTimeout: 1h'];
  const run = await startReconciliation(
    temporal.client,
    { mode: 'apply', rules: rulesFor(rec.emulator, { policy: policy.join('\n  ') }), requestedBy: 'lifecycle-test' },
    { taskQueue: rec.taskQueue },
  );
  const handle = temporal.client.workflow.getHandle(run.workflowId);
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
  const digest = status.planDigest!;

  // The start summary, for the Web UI's list.
  expect(await (await handle.describe()).staticSummary()).toBe(
    'gcsync apply · all groups in the rules · by lifecycle-test',
  );
  const details = await currentDetails(run.workflowId);
  expect(details).toContain('run: **waiting for approval**');
  expect(details).toContain(`**Plan digest:** \`${digest}\``);
  const t = status.totals!;
  expect(details).toContain(`**Plan:** ${t.groupsChanged} of ${t.groups} groups change, **+${t.adds}** to add`);
  expect(details).toContain(`### Changed groups (${t.groupsChanged})`);
  expect(details).toContain(`gcsync approve ${run.workflowId} --by you@example.com --digest ${digest}`);
  expect(details).toContain(
    JSON.stringify({ by: 'you@example.com', planDigest: digest, comment: 'reviewed the plan' }),
  );
  expect(details.length).toBeLessThan(20_000);

  // A wrong digest is refused, and the page says so.
  await handle.signal(approveSignal, { by: 'mallory', planDigest: 'not-the-digest' });
  await waitFor(
    () => currentDetails(run.workflowId),
    (text) => text.includes('1 approval(s) refused'),
  );

  await handle.cancel();
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  expect(await finishedEntry(run.workflowId)).toMatchObject({ status: 'cancelled' });
  expect(await phaseAttribute(run.workflowId)).toBe('cancelled');
  expect(await listed(run.workflowId, 'cancelled')).toMatchObject({ executionStatus: 'CANCELLED' });
  expect(await handle.query(statusQuery)).toMatchObject({ phase: 'cancelled', awaitingApproval: false });
  expect(await currentDetails(run.workflowId)).toContain('run: cancelled');
  expect(writes()).toBe(0);
});

it('a run whose apply child cannot run fails with the failed phase and a run.finished (failed) entry', async () => {
  rec.emulator.state.resetCalls();
  const workflowId = `lifecycle-failed-${Date.now().toString(36)}`;
  // A running workflow holding the id of the run's first apply child (on a queue no worker polls): the child cannot
  // start, which the run did not plan for.
  const blocker = await temporal.client.workflow.start('gcsyncTestBlocker', {
    workflowId: `${workflowId}/apply-1`,
    taskQueue: temporal.taskQueue('nobody-polls'),
  });
  try {
    const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator) }, workflowId);
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('FAILED');
    const finished = await finishedEntry(workflowId);
    expect(finished).toMatchObject({ status: 'failed' });
    expect(String(finished!.error)).toMatch(/already (started|running)/i);
    expect(await phaseAttribute(workflowId)).toBe('failed');
    expect(await listed(workflowId, 'failed')).toMatchObject({ executionStatus: 'FAILED' });
    expect(await handle.query(statusQuery)).toMatchObject({ phase: 'failed', error: finished!.error });
    expect(await currentDetails(workflowId)).toContain('run: failed');
    expect(writes()).toBe(0);
  } finally {
    await blocker.terminate('test over');
  }
});

it('an expired run says so on its run page and in the list', async () => {
  const policy = ['requireApproval: auto', 'maxRemovals: 0', 'maxRemovalRatio: 1', 'approvalTimeout: 2s'];
  const handle = await rec.start({ mode: 'apply', rules: rulesFor(rec.emulator, { policy: policy.join('\n  ') }) });
  expect((await handle.result()).status).toBe('expired');
  expect(await listed(handle.workflowId, 'expired')).toMatchObject({ executionStatus: 'COMPLETED' });
  const details = await currentDetails(handle.workflowId);
  expect(details).toContain('run: approval expired (nothing written)');
  expect(details).not.toContain('How to approve');
});
