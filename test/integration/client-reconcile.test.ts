/**
 * The typed client against the real workflow on a real Temporal dev server and worker: plan, apply with an approval
 * (wrong digest refused, right digest applied), rejection, listing by search attribute, and schedules.
 */
import {
  approve,
  DecisionRefusedError,
  describeRun,
  getFullPlan,
  getStatus,
  listRuns,
  reject,
  startReconciliation,
  waitForResult,
} from '../../src/client/reconciliation-client';
import { createReconcileSchedule, deleteReconcileSchedule, listReconcileSchedules } from '../../src/client/schedules';
import {
  RULES_YAML,
  SALES_GROUP,
  startReconcileStack,
  SUPPORT_GROUP,
  type ReconcileStack,
} from '../support/operator-stack';
import { waitFor } from '../support/reconciler';

let stack: ReconcileStack;
beforeAll(async () => (stack = await startReconcileStack()));
afterAll(() => stack?.stop());

describe('typed client', () => {
  it('plans without writing: planned result, per-group plan, findable run', async () => {
    const before = stack.membersOf(SUPPORT_GROUP);
    const run = await startReconciliation(
      stack.temporal.client,
      { mode: 'plan', rules: RULES_YAML, requestedBy: 'it' },
      { taskQueue: stack.taskQueue },
    );
    expect(run.workflowId).toMatch(/^gcsync-plan-\d{8}T\d{6}Z-[0-9a-f]{6}$/);

    const result = await waitForResult(stack.temporal.client, run.workflowId);
    expect(result.status).toBe('planned');
    expect(stack.membersOf(SUPPORT_GROUP)).toEqual(before);

    const plan = await getFullPlan(stack.temporal.client, run.workflowId, 1);
    expect(plan.planDigest).toBe(result.planDigest);
    const support = plan.groups.find((g) => g.groupName === SUPPORT_GROUP);
    expect(support).toMatchObject({ adds: stack.expectedMembers(SUPPORT_GROUP).length, removes: 0 });
    expect(plan.groups.map((g) => g.groupName).sort()).toEqual([SALES_GROUP, SUPPORT_GROUP].sort());

    const described = await describeRun(stack.temporal.client, run.workflowId);
    expect(described).toMatchObject({ executionStatus: 'COMPLETED', result: { status: 'planned' } });
    const runs = await waitFor(
      () => listRuns(stack.temporal.client, { limit: 50 }),
      (list) => list.some((r) => r.workflowId === run.workflowId && r.phase === 'planned'),
    );
    expect(runs.find((r) => r.workflowId === run.workflowId)?.executionStatus).toBe('COMPLETED');
  });

  it('waits for approval, refuses another digest, applies the approved plan', async () => {
    const client = stack.temporal.client;
    const run = await startReconciliation(
      client,
      {
        mode: 'apply',
        rules: RULES_YAML,
        targetGroups: [SUPPORT_GROUP],
        overrides: { requireApproval: 'always', approvalTimeout: '10m' },
        requestedBy: 'it',
      },
      { taskQueue: stack.taskQueue },
    );
    const waiting = await waitFor(
      () => getStatus(client, run.workflowId),
      (s) => s.awaitingApproval,
    );
    expect(waiting.phase).toBe('awaiting-approval');
    expect(waiting.planDigest).toBeTruthy();

    const awaitingList = await waitFor(
      () => listRuns(client, { awaitingApproval: true }),
      (list) => list.some((r) => r.workflowId === run.workflowId),
    );
    expect(awaitingList.find((r) => r.workflowId === run.workflowId)?.planDigest).toBe(waiting.planDigest);

    // Approvals are Updates: the run refuses another digest at once, to the caller, and keeps waiting.
    await expect(approve(client, run.workflowId, { by: 'mallory', planDigest: 'not-the-digest' })).rejects.toThrow(
      new DecisionRefusedError(
        `plan digest not-the-digest is not the digest of the plan awaiting approval (${waiting.planDigest})`,
      ),
    );
    const refused = await getStatus(client, run.workflowId);
    expect(refused.awaitingApproval).toBe(true);

    await approve(client, run.workflowId, { by: 'alice', planDigest: waiting.planDigest!, comment: 'CHG-1' });
    const result = await waitForResult(client, run.workflowId);
    expect(result.status).toBe('completed');
    expect(result.totals.added).toBe(stack.expectedMembers(SUPPORT_GROUP).length);
    expect(stack.membersOf(SUPPORT_GROUP)).toEqual(stack.expectedMembers(SUPPORT_GROUP));

    const status = await getStatus(client, run.workflowId);
    expect(status.approval).toMatchObject({ by: 'alice', comment: 'CHG-1' });
  });

  it('ends a rejected run without writing', async () => {
    const client = stack.temporal.client;
    const before = stack.membersOf(SALES_GROUP);
    const run = await startReconciliation(
      client,
      { mode: 'apply', rules: RULES_YAML, targetGroups: [SALES_GROUP], overrides: { requireApproval: 'always' } },
      { taskQueue: stack.taskQueue },
    );
    await waitFor(
      () => getStatus(client, run.workflowId),
      (s) => s.awaitingApproval,
    );
    await reject(client, run.workflowId, { by: 'bob', reason: 'not during the campaign' });
    expect((await waitForResult(client, run.workflowId)).status).toBe('rejected');
    expect(stack.membersOf(SALES_GROUP)).toEqual(before);
    expect((await getStatus(client, run.workflowId)).rejection).toMatchObject({ by: 'bob' });
  });

  it('schedules runs that read the rules by reference on the worker', async () => {
    const client = stack.temporal.client;
    await createReconcileSchedule(client, {
      scheduleId: 'it-plan',
      timing: { every: '1h' },
      mode: 'plan',
      rulesRef: stack.rulesFile,
      taskQueue: stack.taskQueue,
    });
    try {
      const listed = await waitFor(
        () => listReconcileSchedules(client),
        (list) => list.some((s) => s.scheduleId === 'it-plan'),
      );
      expect(listed.find((s) => s.scheduleId === 'it-plan')).toMatchObject({
        timing: 'every 1h',
        mode: 'plan',
        rulesRef: stack.rulesFile,
        paused: false,
      });

      await client.schedule.getHandle('it-plan').trigger();
      const scheduled = await waitFor(
        async () => {
          const runs: string[] = [];
          for await (const info of client.workflow.list({ query: "TemporalScheduledById = 'it-plan'" })) {
            runs.push(info.workflowId);
          }
          return runs;
        },
        (runs) => runs.length === 1,
      );
      expect(scheduled[0]).toMatch(/^gcsync-schedule-it-plan-/);
      const result = await waitForResult(client, scheduled[0]);
      expect(['planned', 'no-changes']).toContain(result.status);
      // The schedule gives each run its one-line summary for the Web UI's list.
      const described = await client.workflow.getHandle(scheduled[0]).describe();
      expect(await described.staticSummary()).toBe(
        `gcsync plan (dry run) · all groups in the rules · rules ${stack.rulesFile} · by schedule:it-plan`,
      );
    } finally {
      await deleteReconcileSchedule(client, 'it-plan');
    }
    await expect(deleteReconcileSchedule(client, 'it-plan')).rejects.toThrow('no schedule it-plan');
  });
});
