/**
 * Schedules that don't stall, with the real `temporal schedule` CLI and a real worker: the schedule allows overlap,
 * and each scheduled run sorts it out. Slots are fired with `temporal schedule trigger` on a paused schedule (no
 * automatic fire can interleave):
 *
 * 1. slot 1 plans and waits for approval (the rules say `requireApproval: always`);
 * 2. slot 2 plans the same (same digest): it ends `already-pending`, naming slot 1, which still waits;
 * 3. a manual edit in Genesys changes the plan; slot 3 plans differently: slot 1 ends `superseded` (audited
 *    `run.superseded` naming slot 3), and slot 3 waits;
 * 4. slot 3 is approved and held in its apply (the emulator answers 503 to group calls); slot 4 ends `skipped` at
 *    once, naming slot 3; once Genesys recovers slot 3 completes and the groups converge.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { approve, getStatus } from '../../src/client/reconciliation-client';
import type { reconcileGroups } from '../../workflows';
import { RECONCILE_WORKFLOW_TYPE, type ReconcileResult, type RunStatus } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { expectedMembers, ruledGroups, rulesFor } from '../support/org-rules';
import { startReconciler, waitFor, type Reconciler } from '../support/reconciler';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const execFileAsync = promisify(execFile);
const SCHEDULE_ID = 'gcsync-supersede';

let temporal: TestTemporal;
let rec: Reconciler;
let dir: string;
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  rec = await startReconciler(temporal, { emulator: { users: 200, groups: 4, seed: 31 } });
  dir = mkdtempSync(join(tmpdir(), 'gcsync-supersede-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rulesFor(rec.emulator, { policy: 'requireApproval: always' }));
  // The CLI must not pick up a developer's TEMPORAL_* settings or config file.
  cliEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  cliEnv.HOME = dir;
  cliEnv.XDG_CONFIG_HOME = dir;
  await temporalCli([
    'schedule',
    'create',
    '--schedule-id',
    SCHEDULE_ID,
    '--interval',
    '1h',
    '--paused',
    '--type',
    RECONCILE_WORKFLOW_TYPE,
    '--task-queue',
    rec.taskQueue,
    '--workflow-id',
    'gcsync-scheduled',
    '--overlap-policy',
    'AllowAll',
    '--input',
    JSON.stringify({ mode: 'apply', rulesRef: rulesFile, requestedBy: `schedule:${SCHEDULE_ID}` }),
  ]);
});
afterAll(async () => {
  await rec?.stop();
  await temporal?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function temporalCli(args: string[]): Promise<string> {
  const cliPath = temporal.server?.cliPath;
  if (!cliPath) throw new Error('this test needs a local Temporal CLI binary (npm run temporal:ensure)');
  const all = [...args, '--address', temporal.address, '--namespace', temporal.namespace];
  try {
    return (await execFileAsync(cliPath, all, { env: cliEnv, timeout: 60_000 })).stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`temporal ${all.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: err,
    });
  }
}

async function scheduledRuns(): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  const query = `WorkflowType = '${RECONCILE_WORKFLOW_TYPE}' AND TemporalScheduledById = '${SCHEDULE_ID}'`;
  for await (const run of temporal.client.workflow.list({ query })) runs.push(run);
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/**
 * Fires the next slot and returns its run (the n-th run of the schedule).
 *
 * A schedule names each run `<workflow-id>-<scheduled time, to the second>`, so a trigger in the same second as
 * the previous slot reuses a running workflow's id and the server drops it (seen in CI when slot 1 planned in under
 * a second). The trigger therefore waits for the wall clock to pass into a later second than the previous slot's.
 */
async function fireSlot(n: number): Promise<WorkflowExecutionInfo> {
  const previous = (await scheduledRuns()).at(-1);
  if (previous) {
    const nextSecond = Math.floor(previous.startTime.getTime() / 1000) * 1000 + 1000;
    await waitFor(
      async () => Date.now(),
      (now) => now >= nextSecond,
      5_000,
    );
  }
  await temporalCli(['schedule', 'trigger', '--schedule-id', SCHEDULE_ID, '--overlap-policy', 'AllowAll']);
  const runs = await waitFor(scheduledRuns, (r) => r.length >= n, 60_000);
  return runs[n - 1];
}

function resultOf(run: WorkflowExecutionInfo): Promise<ReconcileResult> {
  return temporal.client.workflow.getHandle<typeof reconcileGroups>(run.workflowId, run.runId).result();
}

function waiting(run: WorkflowExecutionInfo): Promise<RunStatus> {
  return waitFor(
    () => getStatus(temporal.client, run.workflowId),
    (s) => s.awaitingApproval,
    120_000,
  );
}

function ids(run: WorkflowExecutionInfo) {
  return { workflowId: run.workflowId, runId: run.runId };
}

describe('a schedule whose runs wait for approval', () => {
  let slot1: WorkflowExecutionInfo;
  let slot1Status: RunStatus;
  let slot3: WorkflowExecutionInfo;

  it('slot 1 waits for approval; slot 2 plans the same and ends already-pending, not asking twice', async () => {
    slot1 = await fireSlot(1);
    slot1Status = await waiting(slot1);

    const slot2 = await fireSlot(2);
    const result2 = await resultOf(slot2);
    expect(result2).toMatchObject({
      status: 'already-pending',
      planDigest: slot1Status.planDigest,
      pendingRun: ids(slot1),
    });
    // Slot 1 still waits, on the same plan.
    expect(await getStatus(temporal.client, slot1.workflowId)).toMatchObject({
      phase: 'awaiting-approval',
      awaitingApproval: true,
      planDigest: slot1Status.planDigest,
    });
    const entry = (await rec.auditEntries()).find((e) => e.type === 'plan.already-pending');
    expect(entry).toMatchObject({
      workflowId: slot2.workflowId,
      runId: slot2.runId,
      planDigest: slot1Status.planDigest,
      pendingWorkflowId: slot1.workflowId,
      pendingRunId: slot1.runId,
    });
  });

  it('slot 3 plans differently (a manual edit in Genesys meanwhile) and supersedes slot 1', async () => {
    const group = ruledGroups(rec.emulator)[0];
    const want = new Set(expectedMembers(rec.emulator).get(group.id));
    const outsider = rec.emulator.state.listUsers().find((u) => !want.has(u.id) && u.state === 'active')!;
    rec.emulator.state.externalEdit(group, [outsider.id], []);

    slot3 = await fireSlot(3);
    const result1 = await resultOf(slot1);
    expect(result1).toMatchObject({ status: 'superseded', supersededBy: ids(slot3) });
    const slot3Status = await waiting(slot3);
    expect(slot3Status.planDigest).not.toBe(slot1Status.planDigest);

    const superseded = (await rec.auditEntries()).find((e) => e.type === 'run.superseded');
    expect(superseded).toMatchObject({
      workflowId: slot1.workflowId,
      runId: slot1.runId,
      planDigest: slot1Status.planDigest,
      supersededByWorkflowId: slot3.workflowId,
      supersededByRunId: slot3.runId,
      newerPlanDigest: slot3Status.planDigest,
    });
    // An approval of the superseded plan is refused with the reason.
    await expect(
      approve(temporal.client, slot1.workflowId, { by: 'ops', planDigest: slot1Status.planDigest! }),
    ).rejects.toThrow();
  });

  it('slot 4, fired while slot 3 applies, ends skipped at once; slot 3 then completes and the groups converge', async () => {
    // Genesys answers 503 to every group call until cleared: slot 3 stays in its apply, retrying.
    rec.emulator.state.applyFaults({
      serverErrorBurst: { count: 1_000_000, status: 503, pathPrefix: '/api/v2/groups' },
    });
    const status3 = await getStatus(temporal.client, slot3.workflowId);
    await approve(temporal.client, slot3.workflowId, { by: 'ops', planDigest: status3.planDigest! });
    await waitFor(
      () => getStatus(temporal.client, slot3.workflowId),
      (s) => s.phase === 'applying',
    );

    const slot4 = await fireSlot(4);
    const result4 = await resultOf(slot4);
    expect(result4).toMatchObject({ status: 'skipped', activeRun: ids(slot3), totals: { added: 0, removed: 0 } });
    const skipped = (await rec.auditEntries()).find((e) => e.type === 'run.skipped');
    expect(skipped).toMatchObject({ workflowId: slot4.workflowId, activeWorkflowId: slot3.workflowId });
    // Skipped before reading anything: no plan was made.
    expect((await rec.auditEntries()).some((e) => e.type === 'plan.created' && e.runId === slot4.runId)).toBe(false);

    rec.emulator.state.clearFaults();
    expect(await resultOf(slot3)).toMatchObject({ status: 'completed', totals: { failedGroups: 0 } });
    for (const [groupId, want] of expectedMembers(rec.emulator)) {
      expect(rec.emulator.state.groupMembers(groupId).slice().sort()).toEqual(want);
    }
  });
});
