/**
 * Issue 11, end to end: a run waiting for approval survives a deploy. Runs start on a worker of today's build and
 * wait; that worker stops and a worker of the next build takes over (same task queue, same server); then the plans
 * are approved. A change guarded by `patched()` lets its run complete; the same change unguarded leaves its run
 * stuck on a non-determinism workflow-task failure, which is what the replay test of committed histories prevents.
 *
 * The next build is today's workflows plus the test-only interceptors of `test/support/replay-variants/` (a timer
 * before the users snapshot, with or without `patched()`), selected per run by the `replayVariant` memo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { genesysEnvFor, startEmulator, type RunningEmulator } from '../../src/emulator';
import { openActivityDeps, type OpenedDeps } from '../../src/worker/dependencies';
import { createReconcileWorker, WORKFLOWS_PATH } from '../../src/worker/worker';
import { reconcileGroups } from '../../workflows';
import { approveSignal, statusQuery, type RunStatus } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor } from '../support/reconciler';
import { bundleReplayVariants } from '../support/replay-variants/bundle';
import { REPLAY_VARIANTS, VARIANT_MEMO } from '../support/replay-variants/interceptors';
import { bundleWorkflowsOnce, startTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let emulator: RunningEmulator;
let opened: OpenedDeps;
let dir: string;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  emulator = await startEmulator({ quiet: true, rateLimitPerMinute: 0, users: 40, groups: 3, seed: 7 });
  dir = mkdtempSync(join(tmpdir(), 'gcsync-deploy-'));
  opened = await openActivityDeps({
    ...genesysEnvFor(emulator),
    GCSYNC_DATA_DIR: join(dir, 'data'),
    AUDIT_FILE: join(dir, 'audit.jsonl'),
  });
});
afterAll(async () => {
  await opened?.close();
  await emulator?.close();
  await temporal?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs a worker of `bundle` on `taskQueue`; returns its stop function. */
async function runWorker(taskQueue: string, bundle: Parameters<typeof createReconcileWorker>[0]['workflowBundle']) {
  const worker: Worker = await createReconcileWorker({
    connection: temporal.connection,
    namespace: temporal.namespace,
    taskQueue,
    deps: opened.deps,
    workflowBundle: bundle,
  });
  const running = worker.run();
  return async (): Promise<void> => {
    worker.shutdown();
    await running;
  };
}

it('a waiting run completes after a deploy of a patched change; the unpatched change gets stuck', async () => {
  const taskQueue = temporal.taskQueue('deploy');
  const nextBuild = bundleReplayVariants();
  // A user the rules do not select, in a ruled group: the plan removes them, which this policy gates.
  const [groupId, want] = [...expectedMembers(emulator)][0];
  const outsider = emulator.state.listUsers().find((u) => u.state === 'active' && !want.includes(u.id))!;
  emulator.state.externalEdit(emulator.state.getGroup(groupId)!, [outsider.id], []);
  const policy = ['requireApproval: auto', 'maxRemovals: 0', 'maxRemovalRatio: 1', 'approvalTimeout: 1h'].join('\n  ');

  const stopToday = await runWorker(taskQueue, await bundleWorkflowsOnce(WORKFLOWS_PATH));
  const start = (variant: string) =>
    temporal.client.workflow.start(reconcileGroups, {
      taskQueue,
      workflowId: `deploy-${variant}-${Date.now().toString(36)}`,
      args: [{ mode: 'apply', rules: rulesFor(emulator, { policy }), requestedBy: 'jest' }],
      memo: { [VARIANT_MEMO]: variant },
    });
  const waiting = async (handle: WorkflowHandle<typeof reconcileGroups>): Promise<RunStatus> =>
    waitFor(
      () => handle.query(statusQuery),
      (s) => s.awaitingApproval,
    );
  const patchedRun = await start(REPLAY_VARIANTS.patchedTimer);
  const unpatchedRun = await start(REPLAY_VARIANTS.unpatchedTimer);
  const statuses = [await waiting(patchedRun), await waiting(unpatchedRun)];

  // The deploy: today's workers stop, the next build's start; nothing in the runs' histories changes.
  await stopToday();
  const stopNext = await runWorker(taskQueue, await nextBuild);
  try {
    for (const [i, handle] of [patchedRun, unpatchedRun].entries()) {
      await handle.signal(approveSignal, { by: 'ops-oncall', planDigest: statuses[i].planDigest! });
    }
    expect((await patchedRun.result()).status).toBe('completed');
    expect(emulator.state.groupMembers(groupId)).not.toContain(outsider.id);

    // The unpatched build cannot replay what today's build recorded: its workflow task fails, the run waits on.
    const failure = await waitFor(
      async () =>
        (await unpatchedRun.fetchHistory()).events?.find((e) => e.workflowTaskFailedEventAttributes)
          ?.workflowTaskFailedEventAttributes?.failure?.message ?? '',
      (message) => message !== '',
    );
    expect(failure).toMatch(/Nondeterminism error/);
    expect((await unpatchedRun.describe()).status.name).toBe('RUNNING');
  } finally {
    await unpatchedRun.terminate('test over').catch(() => undefined);
    await stopNext();
  }
});
