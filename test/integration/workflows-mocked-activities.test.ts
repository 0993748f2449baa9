/**
 * `reconcileGroups` and `applyGroupsBatch` with mocked activities (test/support/mock-activities.ts): the
 * orchestration alone — approval gate (expiry, reject, a wrong digest refused by the Update validator), abort on a
 * prepare or snapshot failure, a group failing inside an apply child, a child workflow failing, progress signals to
 * the parent.
 *
 * Why a dev server and not `TestWorkflowEnvironment.createTimeSkipping()`: the time-skipping environment needs the
 * Java test-server binary, which the SDK downloads at run time and our machines cannot (no network; see
 * /work/shared/reference/temporal.md §1). The dev server (the Temporal CLI the repo finds or builds) cannot skip
 * time, so the approval timeout is made short through the run's input (`overrides.approvalTimeout: '1s'`), which the
 * mocked `prepareRun` turns into the policy's `approvalTimeoutMs` as the real one does.
 *
 * An aborted run ends as a failed workflow (`RunAborted`) carrying its result; `resultOf` (the typed client) reads
 * it back, as the CLI does.
 *
 * One server and one workflow bundle for the file; each test runs its own Worker (its own task queue and mocks)
 * with `runUntil`, so no test sees another's workers or leftovers.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ApplyBatchInput } from '../../workflows/apply-batch';
import { applyGroupsBatch, reconcileGroups } from '../../workflows';
import {
  approveUpdate,
  rejectUpdate,
  statusQuery,
  type GroupOutcome,
  type ReconcileInput,
  type RunStatus,
} from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { WORKFLOWS_PATH } from '../../src/worker/worker';
import { FAILURE_TYPES } from '../../src/core/failure-types';
import { resultOf } from '../../src/client/reconciliation-client';
import { currentAttempt, MOCK_PLAN_DIGEST, mockActivities, type MockActivities } from '../support/mock-activities';
import { waitFor } from '../support/reconciler';
import { bundleWorkflowsOnce, startTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  bundle = await bundleWorkflowsOnce(WORKFLOWS_PATH);
});
afterAll(() => temporal?.stop());

/** A worker on a fresh task queue with `mocks`, running while `body` runs (shut down after, even on failure). */
async function withWorker<T>(mocks: MockActivities, body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = temporal.taskQueue('mocked');
  const worker = await Worker.create({
    connection: temporal.connection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: mocks.activities,
  });
  return worker.runUntil(body(taskQueue));
}

const apply = (overrides: ReconcileInput['overrides'] = {}): ReconcileInput => ({
  mode: 'apply',
  rules: 'mocked',
  requestedBy: 'jest',
  overrides,
});

function startRun(taskQueue: string, input: ReconcileInput): Promise<WorkflowHandle<typeof reconcileGroups>> {
  return temporal.client.workflow.start(reconcileGroups, {
    taskQueue,
    workflowId: `mocked-${randomUUID()}`,
    args: [input],
  });
}

/** Waits (on the run's own state, through the `status` query) until the run sits at the approval gate. */
function gateReached(handle: WorkflowHandle<typeof reconcileGroups>): Promise<RunStatus> {
  return waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
}

const auditTypes = (mocks: MockActivities) => mocks.audit.map((e) => e.type);

describe('reconcileGroups (mocked activities)', () => {
  it('expires at the approval timeout without applying anything', async () => {
    const mocks = mockActivities({ approvalRequired: true });
    const result = await withWorker(mocks, async (tq) =>
      (await startRun(tq, apply({ approvalTimeout: '1s' }))).result(),
    );
    expect(result).toMatchObject({ status: 'expired', planDigest: MOCK_PLAN_DIGEST });
    expect(mocks.calls.applyGroup).toHaveLength(0);
    expect(mocks.calls.loadChangedGroups).toHaveLength(0);
    expect(mocks.calls.recordCompletedRun).toHaveLength(0);
    expect(auditTypes(mocks)).toEqual(['run.started', 'plan.created', 'approval.expired', 'run.finished']);
  });

  it('a rejection (Update) ends the run as rejected, audited with who and why, with nothing applied', async () => {
    const mocks = mockActivities({ approvalRequired: true });
    const { result, accepted } = await withWorker(mocks, async (tq) => {
      const handle = await startRun(tq, apply());
      await gateReached(handle);
      const accepted = await handle.executeUpdate(rejectUpdate, {
        args: [{ by: 'carol@example.com', reason: 'not during the sale' }],
      });
      return { result: await handle.result(), accepted };
    });
    expect(accepted).toEqual({ decision: 'rejected', by: 'carol@example.com', planDigest: MOCK_PLAN_DIGEST });
    expect(result.status).toBe('rejected');
    expect(mocks.calls.applyGroup).toHaveLength(0);
    expect(mocks.audit.find((e) => e.type === 'approval.rejected')).toMatchObject({
      actor: 'carol@example.com',
      reason: 'not during the sale',
      planDigest: MOCK_PLAN_DIGEST,
      via: 'update',
    });
  });

  it('the Update validator refuses an approval naming another digest; the right digest then applies', async () => {
    const mocks = mockActivities({ approvalRequired: true });
    const wrong = 'f'.repeat(64);
    const { refusal, statusAfter, result } = await withWorker(mocks, async (tq) => {
      const handle = await startRun(tq, apply());
      await gateReached(handle);
      const refusal = await handle.executeUpdate(approveUpdate, { args: [{ by: 'mallory', planDigest: wrong }] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      const statusAfter = await handle.query(statusQuery);
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'dave@example.com', planDigest: MOCK_PLAN_DIGEST }] });
      return { refusal, statusAfter, result: await handle.result() };
    });
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refusal as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.message).toBe(
      `plan digest ${wrong} is not the digest of the plan awaiting approval (${MOCK_PLAN_DIGEST})`,
    );
    // A refused Update never reaches the handler: the run still waits and records nothing.
    expect(statusAfter).toMatchObject({ phase: 'awaiting-approval', awaitingApproval: true, refusedApprovals: [] });
    expect(result).toMatchObject({ status: 'completed', totals: { added: 2, removed: 2, failedGroups: 0 } });
    const approvalRefs = mocks.calls.applyGroup.map((c) => (c as { approvalRef: string }).approvalRef);
    expect(approvalRefs).toHaveLength(2);
    for (const ref of approvalRefs)
      expect(ref).toMatch(new RegExp(`^approval:dave@example.com@.*:${MOCK_PLAN_DIGEST}$`));
    expect(auditTypes(mocks)).not.toContain('approval.refused');
  });

  it('aborts with the failure type and message when prepareRun fails for good; nothing is read or written', async () => {
    const mocks = mockActivities({
      override: {
        prepareRun: async () => {
          throw ApplicationFailure.create({
            message: 'Genesys login failed for client abc: invalid_client',
            type: FAILURE_TYPES.auth,
            nonRetryable: true,
          });
        },
      },
    });
    const result = await withWorker(mocks, async (tq) => resultOf(await startRun(tq, apply())));
    expect(result).toMatchObject({ status: 'aborted', error: 'Genesys login failed for client abc: invalid_client' });
    expect(mocks.calls.snapshotUsers).toHaveLength(0);
    expect(mocks.calls.applyGroup).toHaveLength(0);
    expect(mocks.audit.find((e) => e.type === 'run.aborted')).toMatchObject({ reason: FAILURE_TYPES.auth });
    expect(auditTypes(mocks).at(-1)).toBe('run.finished');
  });

  it('aborts on invalid rules reported by prepareRun (no exception), naming the kind', async () => {
    const mocks = mockActivities({
      override: { prepareRun: async () => ({ ok: false, kind: 'cycle', message: 'nesting cycle: A → B → A' }) },
    });
    const result = await withWorker(mocks, async (tq) => resultOf(await startRun(tq, apply())));
    expect(result).toMatchObject({ status: 'aborted', error: 'nesting cycle: A → B → A' });
    expect(mocks.audit.find((e) => e.type === 'run.aborted')).toMatchObject({ reason: 'cycle' });
    expect(mocks.calls.snapshotUsers).toHaveLength(0);
  });

  it('aborts when the snapshot is inconsistent (non-retryable read failure) before any plan', async () => {
    const mocks = mockActivities({
      override: {
        snapshotUsers: async () => {
          throw ApplicationFailure.create({
            message: 'users listing did not add up after 3 rounds',
            type: FAILURE_TYPES.snapshotInconsistent,
            nonRetryable: true,
          });
        },
      },
    });
    const result = await withWorker(mocks, async (tq) => resultOf(await startRun(tq, apply())));
    expect(result).toMatchObject({ status: 'aborted', error: 'users listing did not add up after 3 rounds' });
    expect(mocks.calls.snapshotUsers).toHaveLength(1); // non-retryable: one attempt
    expect(mocks.calls.computePlan).toHaveLength(0);
  });

  it('a group failing in the apply child fails alone: recorded, audited, the other group applied', async () => {
    const mocks = mockActivities({
      override: {
        applyGroup: async (input) => {
          if (input.groupId === 'g1') {
            throw ApplicationFailure.create({
              message: 'add 1 member(s) of group Group g1: 403 Forbidden',
              type: FAILURE_TYPES.rejected,
              nonRetryable: true,
            });
          }
          return { groupId: input.groupId, added: 1, removed: 1, appliedRef: 'blob:a', conflictsResolved: 0 };
        },
      },
    });
    const result = await withWorker(mocks, async (tq) => (await startRun(tq, apply())).result());
    expect(result.status).toBe('completed');
    expect(result.totals).toEqual({ groups: 2, added: 1, removed: 1, failedGroups: 1 });
    expect(result.groups[0]).toMatchObject({ groupId: 'g1', failed: true, error: /403 Forbidden/ });
    expect(result.groups[1]).toMatchObject({ groupId: 'g2', failed: false, scim: 'notified' });
    expect(mocks.calls.applyGroup).toHaveLength(2); // non-retryable: g1 is not tried again
    expect(mocks.audit.filter((e) => e.type === 'group.failed')).toEqual([
      expect.objectContaining({ groupId: 'g1', reason: 'add 1 member(s) of group Group g1: 403 Forbidden' }),
    ]);
  });

  it('a failed apply child fails the run (ChildWorkflowFailure), audited as failed; no completion is recorded', async () => {
    const mocks = mockActivities({
      override: {
        loadChangedGroups: async () => {
          throw ApplicationFailure.create({ message: 'plan ref missing', type: 'PlanNotFound', nonRetryable: true });
        },
      },
    });
    const failure = await withWorker(mocks, async (tq) =>
      (await startRun(tq, apply())).result().then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const child = (failure as WorkflowFailedError).cause;
    expect(child).toBeInstanceOf(ChildWorkflowFailure);
    expect((child as ChildWorkflowFailure).execution.workflowId).toMatch(/\/apply-1$/);
    expect(mocks.calls.applyGroup).toHaveLength(0);
    expect(mocks.calls.recordCompletedRun).toHaveLength(0);
    // The run's ending is still audited, as failed, with the child's reason.
    expect(mocks.audit.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed', error: 'plan ref missing' });
  });
});

describe('applyGroupsBatch (mocked activities)', () => {
  /** Runs one batch as its own workflow; its parent is a real run parked at the approval gate (it takes signals). */
  async function runBatch(
    mocks: MockActivities,
    batch: Partial<ApplyBatchInput> = {},
  ): Promise<{ outcomes: GroupOutcome[]; parent: RunStatus }> {
    return withWorker(mocks, async (tq) => {
      const parent = await startRun(tq, apply());
      await gateReached(parent);
      const outcomes = await temporal.client.workflow.execute(applyGroupsBatch, {
        taskQueue: tq,
        workflowId: `${parent.workflowId}/apply-1`,
        args: [
          {
            ctx: { workflowId: parent.workflowId, runId: 'run' },
            parentWorkflowId: parent.workflowId,
            changedRef: 'blob:changed',
            offset: 0,
            limit: 100,
            approvalRef: 'approval:test',
            concurrency: 2,
            heartbeatTimeoutMs: 5_000,
            ...batch,
          },
        ],
      });
      // The last progress signal is sent before the batch completes, so it is in the parent's state by now.
      const status = await waitFor(
        () => parent.query(statusQuery),
        (s) => s.progress.groupsDone === outcomes.length,
      );
      await parent.terminate('batch test done');
      return { outcomes, parent: status };
    });
  }

  it('applies every group, notifies SCIM when on, answers in plan order and reports progress to the parent', async () => {
    const mocks = mockActivities({
      approvalRequired: true,
      groups: ['g1', 'g2', 'g3'],
      override: {
        applyGroup: async (input) => ({
          groupId: input.groupId,
          added: 2,
          removed: 1,
          appliedRef: `blob:applied/${input.groupId}`,
          conflictsResolved: 0,
          scimEnabled: true,
        }),
      },
    });
    const { outcomes, parent } = await runBatch(mocks);
    expect(outcomes.map((o) => [o.groupId, o.added, o.removed, o.failed, o.scim])).toEqual([
      ['g1', 2, 1, false, 'notified'],
      ['g2', 2, 1, false, 'notified'],
      ['g3', 2, 1, false, 'notified'],
    ]);
    // Two lanes (concurrency 2): the calls interleave, so compare them by group.
    const byGroup = (calls: unknown[]) =>
      [...(calls as { groupId: string }[])].sort((x, y) => x.groupId.localeCompare(y.groupId));
    expect(byGroup(mocks.calls.notifyScim)).toEqual(
      mocks.changed.map((g) => ({
        ctx: expect.any(Object),
        groupId: g.groupId,
        groupName: g.groupName,
        idpGroupId: g.idpGroupId,
        appliedRef: `blob:applied/${g.groupId}`,
      })),
    );
    expect(parent.progress).toMatchObject({ groupsDone: 3, added: 6, removed: 3, failedGroups: 0 });
  });

  it('retries a retryable applyGroup failure and keeps a SCIM rejection from failing the group', async () => {
    const mocks = mockActivities({
      approvalRequired: true,
      override: {
        applyGroup: async (input) => {
          if (input.groupId === 'g1' && currentAttempt() === 1) {
            throw ApplicationFailure.create({ message: '503 from Genesys', type: FAILURE_TYPES.unavailable });
          }
          return {
            groupId: input.groupId,
            added: 1,
            removed: 0,
            appliedRef: 'blob:a',
            conflictsResolved: 0,
            scimEnabled: true,
          };
        },
        notifyScim: async (input) => {
          if (input.groupId === 'g2') {
            throw ApplicationFailure.create({ message: 'IdP answered 400', type: 'ScimRejected', nonRetryable: true });
          }
          return { status: 'notified', requests: 1, ops: 1 };
        },
      },
    });
    const { outcomes } = await runBatch(mocks);
    expect(outcomes).toEqual([
      { groupId: 'g1', groupName: 'Group g1', added: 1, removed: 0, failed: false, scim: 'notified' },
      { groupId: 'g2', groupName: 'Group g2', added: 1, removed: 0, failed: false, scim: 'failed' },
    ]);
    expect(mocks.calls.applyGroup.filter((c) => (c as { groupId: string }).groupId === 'g1')).toHaveLength(2);
    expect(mocks.calls.notifyScim).toHaveLength(2); // the rejection is not retried
    // (The parent's own run.started / plan.created entries are in the same list.)
    expect(mocks.audit.filter((e) => e.type === 'scim.notify' || e.type === 'group.failed')).toEqual([
      expect.objectContaining({ type: 'scim.notify', groupId: 'g2', outcome: 'failed', error: 'IdP answered 400' }),
    ]);
  });
});
