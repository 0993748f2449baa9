/**
 * Design: "a worker killed at any point neither loses nor duplicates an entry" and "heartbeat the cursor so a
 * retry or a crashed worker resumes mid-listing". The worker runs in a child process (`test/support/crash-worker.ts`)
 * and is SIGKILLed mid-snapshot, then mid-apply; a fresh worker process finishes the run. The emulator's latency
 * fault slows every request so the kill lands where intended, and the runs set a short `activityHeartbeatTimeout`
 * (2 s; 5 s mid-apply) so Temporal retries the dead worker's activity after seconds instead of the default minute.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { AuditEntry } from '../../src/audit/entry';
import { verifyChain } from '../../src/audit/verify';
import { WORKFLOWS_PATH } from '../../src/worker/worker';
import { reconcileGroups } from '../../workflows';
import type { ReconcileInput } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startWorkerProcess, type WorkerProcess } from '../support/crash-worker';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { startReconciler, type Reconciler } from '../support/reconciler';
import { bundleWorkflowsOnce, startTestTemporal, type TestTemporal } from '../support/temporal';

const USERS_ROUTE = 'GET /api/v2/users';
const HEARTBEAT_TIMEOUT = '2s';
/**
 * Bound on waiting for the requests a killed worker left in flight to be answered: normally one emulator latency;
 * generous because a starved test process on a loaded 2-core machine may not run for seconds.
 */
const IN_FLIGHT_TIMEOUT_MS = 60_000;

let temporal: TestTemporal;
let dir: string;
let bundlePath: string;
const workers: WorkerProcess[] = [];
let counter = 0;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  // Bundle once here; each worker process loads the file instead of bundling again (seconds per process).
  dir = mkdtempSync(join(tmpdir(), 'gcsync-crash-'));
  bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflowsOnce(WORKFLOWS_PATH)).code);
});
afterAll(async () => {
  await stopWorkers();
  await temporal?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Stops every worker process still running (after a failure between a start and its stop). */
async function stopWorkers(): Promise<void> {
  for (const w of workers.splice(0)) await w.stop(5_000).catch(() => undefined);
}

/** A worker process polling `taskQueue` with the reconciler's environment (same emulator, data folder, audit file). */
async function spawnWorker(rec: Reconciler, taskQueue: string, extra: Record<string, string> = {}) {
  const worker = await startWorkerProcess({
    ...rec.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    GCSYNC_TASK_QUEUE: taskQueue,
    GCSYNC_WORKFLOW_BUNDLE: bundlePath,
    ...extra,
  });
  workers.push(worker);
  return worker;
}

/**
 * A reconciler (emulator seeded with `emulator`) for the enclosing `describe`; stopped after its worker processes,
 * before the emulator they talk to goes away.
 */
function useReconciler(emulator: { users: number; groups: number; seed: number }): () => Reconciler {
  let rec: Reconciler | undefined;
  beforeAll(async () => {
    rec = await startReconciler(temporal, { emulator });
  });
  afterAll(async () => {
    await stopWorkers();
    await rec?.stop();
  });
  return () => rec!;
}

async function startRun(rec: Reconciler, taskQueue: string, overrides: ReconcileInput['overrides'] = {}) {
  return temporal.client.workflow.start(reconcileGroups, {
    taskQueue,
    workflowId: `crash-${Date.now().toString(36)}-${++counter}`,
    args: [
      {
        mode: 'apply',
        rules: rulesFor(rec.emulator),
        requestedBy: 'jest-crash',
        overrides: { requireApproval: 'never', activityHeartbeatTimeout: HEARTBEAT_TIMEOUT, ...overrides },
      },
    ],
  });
}

/** Polls `read` every 10 ms until `done` holds (tighter than `waitFor`, so the kill lands where intended). */
async function until(read: () => number, done: (n: number) => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last value ${value})`);
    await sleep(10);
  }
}

/** The heartbeat details the server holds for a pending activity of `handle`. */
async function pendingHeartbeat<T>(handle: WorkflowHandle, activityType: string): Promise<T | undefined> {
  const { raw } = await handle.describe();
  const pending = raw.pendingActivities?.find((a) => a.activityType?.name === activityType);
  const payload = pending?.heartbeatDetails?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<T>(payload) : undefined;
}

/** Every (group, op, user) change that takes `before` to `expected`, as `groupId/op/userId` keys. */
function changeKeys(before: Map<string, string[]>, expected: Map<string, string[]>): string[] {
  const keys: string[] = [];
  for (const [groupId, want] of expected) {
    const had = new Set(before.get(groupId));
    const wanted = new Set(want);
    for (const u of wanted) if (!had.has(u)) keys.push(`${groupId}/add/${u}`);
    for (const u of had) if (!wanted.has(u)) keys.push(`${groupId}/remove/${u}`);
  }
  return keys.sort();
}

/** Converged, one audit entry per change (by deterministic id, no more, no fewer), and a chain that verifies. */
async function expectExactlyOnce(rec: Reconciler, workflowId: string, changes: string[]) {
  const state = rec.emulator.state;
  for (const [groupId, want] of expectedMembers(rec.emulator)) {
    expect(state.groupMembers(groupId).slice().sort()).toEqual(want);
  }
  const entries: AuditEntry[] = await rec.auditEntries();
  const mine = entries.filter((e) => e.workflowId === workflowId);
  const membership = mine.filter((e) => e.type === 'membership.change');
  const ids = membership.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(membership.map((e) => `${e.groupId}/${e.op}/${e.userId}`).sort()).toEqual(changes);
  for (const e of membership) expect(['applied', 'already-applied']).toContain(e.outcome);
  expect(mine.filter((e) => e.type === 'run.finished')).toHaveLength(1);
  expect(await verifyChain(entries)).toMatchObject({ ok: true, count: entries.length });
  return membership;
}

/** No user was written twice to a group (a retry re-reads; it never replays a write that landed). */
function expectNoDuplicateWrites(rec: Reconciler) {
  const seen = new Map<string, number>();
  for (const w of rec.emulator.state.callsReport().writes) {
    if (w.source !== 'api' || w.status !== 202) continue;
    for (const u of w.userIds) {
      const key = `${w.groupId}/${w.method}/${u}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
}

describe('a worker killed mid-snapshot', () => {
  const PAGE_SIZE = 50;
  const USERS = 3_000;
  const LATENCY_MS = 60;
  const reconciler = useReconciler({ users: USERS, groups: 6, seed: 31 });
  let rec: Reconciler;
  beforeAll(() => {
    rec = reconciler();
  });

  it('resumes the users listing from the last heartbeat and applies every change exactly once', async () => {
    const state = rec.emulator.state;
    const pageCount = Math.ceil(USERS / PAGE_SIZE);
    const before = new Map(state.listGroups().map((g) => [g.id, state.groupMembers(g.id)]));
    const changes = changeKeys(before, expectedMembers(rec.emulator));
    expect(changes.length).toBeGreaterThan(0);
    const usersCalls = () => state.callsReport().counts[USERS_ROUTE] ?? 0;

    const taskQueue = temporal.taskQueue('crash-snapshot');
    // One page at a time, so the kill lands mid-listing and the resumed prefix is observable.
    const env = { GCSYNC_USERS_PAGE_SIZE: String(PAGE_SIZE), GCSYNC_READ_CONCURRENCY: '1' };
    const first = await spawnWorker(rec, taskQueue, env);
    state.resetCalls();
    state.applyFaults({ latencyMs: LATENCY_MS });
    const handle = await startRun(rec, taskQueue);

    // Kill once two thirds of the pages were requested (≥ 2.4 s at 60 ms a page): well after the first heartbeat and
    // after the first throttled one (heartbeats reach the server at most every 80 % of the 2 s heartbeat timeout).
    await until(usersCalls, (n) => n >= (pageCount * 2) / 3, 60_000);
    await first.kill();
    // A request in flight at the kill still reaches the emulator's counters: read them once it is answered.
    await until(
      () => state.requestsInFlight,
      (n) => n === 0,
      IN_FLIGHT_TIMEOUT_MS,
    );
    const callsAtKill = usersCalls();
    expect(callsAtKill).toBeLessThan(pageCount);
    const cursor = await pendingHeartbeat<{ nextPage: number; count: number }>(handle, 'snapshotUsers');
    expect(cursor).toBeDefined();
    const pagesKept = cursor!.nextPage - 1;
    expect(pagesKept).toBeGreaterThan(1); // more than the first (immediate) heartbeat reached the server
    expect(cursor!.count).toBe(pagesKept * PAGE_SIZE);

    const second = await spawnWorker(rec, taskQueue, env);
    const result = await handle.result();
    state.clearFaults();
    await second.stop();

    expect(result.status).toBe('completed');
    expect(result.totals.failedGroups).toBe(0);
    // The retry started at the heartbeated page: exactly the pages after it were fetched again, not the whole listing.
    const callsAfterKill = usersCalls() - callsAtKill;
    expect(callsAfterKill).toBe(pageCount - pagesKept);
    expect(usersCalls()).toBeLessThan(2 * pageCount);
    const entries = await rec.auditEntries();
    const plan = entries.find((e) => e.workflowId === handle.workflowId && e.type === 'plan.created');
    expect(plan?.usersInSnapshot).toBe(USERS); // no page lost, none counted twice

    const membership = await expectExactlyOnce(rec, handle.workflowId, changes);
    expect(membership.every((e) => e.outcome === 'applied')).toBe(true);
    expectNoDuplicateWrites(rec);
    console.log(
      `mid-snapshot kill: ${pageCount} pages; ${callsAtKill} requested before the kill, ${pagesKept} kept by the ` +
        `last heartbeat, ${callsAfterKill} fetched after (total ${usersCalls()}); ${changes.length} changes applied once`,
    );
  });
});

it('refuses an activityHeartbeatTimeout outside 1s..5m before reading or writing anything', async () => {
  const rec = await startReconciler(temporal, { emulator: { users: 50, groups: 2, seed: 33 } });
  try {
    for (const activityHeartbeatTimeout of ['0s', '1.5s', '10m']) {
      rec.emulator.state.resetCalls();
      const result = await rec.run({
        mode: 'apply',
        rules: rulesFor(rec.emulator),
        overrides: { activityHeartbeatTimeout },
      });
      expect(result.status).toBe('aborted');
      expect(result.error).toMatch(/^overrides: activityHeartbeatTimeout: /);
      expect(rec.emulator.state.callsReport().counts[USERS_ROUTE] ?? 0).toBe(0);
    }
  } finally {
    await rec.stop();
  }
});

describe('a worker killed mid-apply', () => {
  const LATENCY_MS = 100;
  const reconciler = useReconciler({ users: 3_000, groups: 8, seed: 32 });
  let rec: Reconciler;
  beforeAll(() => {
    rec = reconciler();
  });

  it('resumes each group where the writes stopped and records every change exactly once', async () => {
    const state = rec.emulator.state;
    const expected = expectedMembers(rec.emulator);
    // Deepen the drift of three groups so their adds take several ≤50-id batches (a kill can land mid-group).
    for (const [groupId, want] of [...expected].slice(0, 3)) {
      state.applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 120) } });
    }
    const before = new Map(state.listGroups().map((g) => [g.id, state.groupMembers(g.id)]));
    const changes = changeKeys(before, expected);
    const apiWrites = () => state.callsReport().writes.filter((w) => w.source === 'api' && w.status === 202).length;

    const taskQueue = temporal.taskQueue('crash-apply');
    const first = await spawnWorker(rec, taskQueue);
    state.resetCalls();
    state.applyFaults({ latencyMs: LATENCY_MS });
    // A longer heartbeat timeout than the snapshot case: on a loaded 2-core machine a live attempt can miss a 2 s
    // window, Temporal then starts a second attempt beside it, and the two would both write (at-least-once).
    const handle = await startRun(rec, taskQueue, { concurrency: 2, activityHeartbeatTimeout: '5s' });

    await until(apiWrites, (n) => n >= 4, 90_000);
    await first.kill();
    // No wait here: a write still in flight at the kill may land after this reading, which only makes the figure
    // low; the assertions below need the second worker to write more than this, which it does either way. (Waiting
    // for the emulator to have no request in flight sometimes never ended here: one request stayed open.)
    const writesAtKill = apiWrites();
    const auditAtKill = (await rec.auditEntries()).filter(
      (e) => e.workflowId === handle.workflowId && e.type === 'membership.change',
    ).length;
    expect(auditAtKill).toBeLessThan(changes.length); // really mid-apply

    const second = await spawnWorker(rec, taskQueue);
    const result = await handle.result();
    state.clearFaults();
    await second.stop();

    expect(result.status).toBe('completed');
    expect(result.totals.failedGroups).toBe(0);
    const writesTotal = apiWrites();
    expect(writesTotal).toBeGreaterThan(writesAtKill); // the second worker finished the job

    const membership = await expectExactlyOnce(rec, handle.workflowId, changes);
    expectNoDuplicateWrites(rec);
    const already = membership.filter((e) => e.outcome === 'already-applied').length;
    console.log(
      `mid-apply kill: ${writesAtKill} of ${writesTotal} member writes landed before the kill, ${auditAtKill} of ` +
        `${changes.length} changes audited then; after resume ${membership.length} entries ` +
        `(${membership.length - already} applied, ${already} already-applied), no duplicate writes`,
    );
  });
});

describe('a worker killed while planning', () => {
  const reconciler = useReconciler({ users: 500, groups: 4, seed: 34 });
  let rec: Reconciler;
  beforeAll(() => {
    rec = reconciler();
  });

  it('resumes within a minute (planning heartbeats; no 30-minute start-to-close wait)', async () => {
    const state = rec.emulator.state;
    const taskQueue = temporal.taskQueue('crash-planning');
    const first = await spawnWorker(rec, taskQueue);
    // Slow every request so the kill lands inside prepareRun's groups listing.
    state.applyFaults({ latencyMs: 4_000 });
    const handle = await startRun(rec, taskQueue, { activityHeartbeatTimeout: '60s' });
    await waitForPending(handle, 'prepareRun', 30_000);
    await first.kill();
    const killedAt = Date.now();
    state.clearFaults();

    const second = await spawnWorker(rec, taskQueue);
    const result = await handle.result();
    const resumedAfterMs = Date.now() - killedAt;
    await second.stop();

    expect(result.status).toBe('completed');
    expect(result.totals.failedGroups).toBe(0);
    // The planning heartbeat timeout is 30 s: the dead attempt is noticed then and retried on the new worker.
    expect(resumedAfterMs).toBeLessThan(60_000);
    console.log(`killed in prepareRun; the run completed ${(resumedAfterMs / 1000).toFixed(1)} s after the kill`);
  });
});

/** Waits until `activityType` is pending on the run (started by a worker). */
async function waitForPending(handle: WorkflowHandle, activityType: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { raw } = await handle.describe();
    const pending = raw.pendingActivities?.find((a) => a.activityType?.name === activityType);
    if (pending?.lastStartedTime) return;
    if (Date.now() > deadline) throw new Error(`${activityType} did not start within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('a 429 storm with repeated worker kills', () => {
  const reconciler = useReconciler({ users: 2_000, groups: 6, seed: 35 });
  let rec: Reconciler;
  beforeAll(() => {
    rec = reconciler();
  });

  it('converges every group, none failed, each change recorded once: throttling never uses up a run', async () => {
    const state = rec.emulator.state;
    const expected = expectedMembers(rec.emulator);
    for (const [groupId, want] of [...expected].slice(0, 3)) {
      state.applyFaults({ concurrentEdit: { groupId, removeUserIds: want.slice(0, 80) } });
    }
    const before = new Map(state.listGroups().map((g) => [g.id, state.groupMembers(g.id)]));
    const changes = changeKeys(before, expected);
    const taskQueue = temporal.taskQueue('crash-storm');
    state.resetCalls();
    // Hundreds of 429s on every group read and write, each asking for a 1 s wait.
    state.applyFaults({ rateLimitBurst: { count: 400, retryAfterSeconds: 1, pathPrefix: '/api/v2/groups/' } });
    let worker = await spawnWorker(rec, taskQueue);
    const handle = await startRun(rec, taskQueue, { concurrency: 3, activityHeartbeatTimeout: '5s' });
    // Each kill lands mid-storm: after 25 more 429s (the run cannot finish before all 400 are spent).
    const throttledSoFar = () => state.callsReport().rateLimited?.total ?? 0;
    for (let kill = 0; kill < 3; kill++) {
      const spent = throttledSoFar();
      await until(throttledSoFar, (n) => n >= spent + 25, 120_000);
      await worker.kill();
      worker = await spawnWorker(rec, taskQueue);
    }
    const result = await handle.result();
    await worker.stop();
    state.clearFaults();

    expect(result.status).toBe('completed');
    expect(result.totals.failedGroups).toBe(0);
    const throttled = state.callsReport().rateLimited?.total ?? 0;
    expect(throttled).toBeGreaterThanOrEqual(100);
    await expectExactlyOnce(rec, handle.workflowId, changes);
    expectNoDuplicateWrites(rec);
    console.log(`429 storm: ${throttled} answers of 429, 3 worker kills; ${changes.length} changes applied once`);
  });
});

describe('a worker killed mid-apply at 20,000 users and 200 groups', () => {
  const reconciler = useReconciler({ users: 20_000, groups: 200, seed: 36 });
  let rec: Reconciler;
  beforeAll(() => {
    rec = reconciler();
  });

  it('converges every group with no audit entry lost or duplicated and no write sent twice', async () => {
    const state = rec.emulator.state;
    const before = new Map(state.listGroups().map((g) => [g.id, state.groupMembers(g.id)]));
    const changes = changeKeys(before, expectedMembers(rec.emulator));
    const apiWrites = () => state.callsReport().writes.filter((w) => w.source === 'api' && w.status === 202).length;
    const taskQueue = temporal.taskQueue('crash-apply-20k');
    const first = await spawnWorker(rec, taskQueue);
    state.resetCalls();
    state.applyFaults({ latencyMs: 20 });
    const handle = await startRun(rec, taskQueue, { activityHeartbeatTimeout: '5s' });

    await until(apiWrites, (n) => n >= 40, 180_000);
    await first.kill();
    await until(
      () => state.requestsInFlight,
      (n) => n === 0,
      IN_FLIGHT_TIMEOUT_MS,
    );
    const writesAtKill = apiWrites();
    const second = await spawnWorker(rec, taskQueue);
    const result = await handle.result();
    state.clearFaults();
    await second.stop();

    expect(result.status).toBe('completed');
    expect(result.totals.failedGroups).toBe(0);
    expect(apiWrites()).toBeGreaterThan(writesAtKill);
    await expectExactlyOnce(rec, handle.workflowId, changes);
    expectNoDuplicateWrites(rec);
    console.log(
      `20k/200 mid-apply kill: ${writesAtKill} writes before the kill; ${changes.length} changes applied once`,
    );
  }, 600_000);
});
