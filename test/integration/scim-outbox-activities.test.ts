/**
 * `notifyScim` and `deliverScimOutbox` against a real SCIM peer (scimmy), driven attempt by attempt through
 * MockActivityEnvironment the way Temporal retries them: an IdP outage longer than every retry leaves the group pending
 * in the outbox, and the next run delivers it even though Genesys has nothing new for it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { AppliedChanges } from '../../activities/apply-group';
import { blobKeys, type ActivityDeps } from '../../activities/deps';
import { makeNotifyScim } from '../../activities/notify-scim';
import { makeScimOutboxActivities, MAX_CONSECUTIVE_UNAVAILABLE } from '../../activities/scim-outbox';
import type { NotifyScimInput, RunContext } from '../../activities/types';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { createScimNotifier } from '../../src/scim/client';
import { RedactedSecret } from '../../src/scim/secret';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { LocalScimOutbox } from '../../src/store/scim-outbox-local';
import { startScimServer, type ScimTestServer } from '../support/scim-server';

const TOKEN = 'outbox-test-token-5d1e';
// notifyScim's retry policy in workflows/apply-batch.ts: 10 attempts (about 8 minutes of backoff).
const NOTIFY_MAX_ATTEMPTS = 10;
const run1: RunContext = { workflowId: 'wf-sched', runId: 'run-1' };
const run2: RunContext = { workflowId: 'wf-sched', runId: 'run-2' };
const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

let dir: string;
let server: ScimTestServer;
let deps: ActivityDeps & { audit: MemoryAuditSink; scimOutbox: LocalScimOutbox };
let instance = 0;

function depsFor(baseUrl: string, chunkSize = 100): typeof deps {
  const root = join(dir, `deps-${++instance}`);
  return {
    directory: undefined as never,
    ledger: undefined as never,
    blobs: new LocalBlobStore({ dir: root }),
    audit: new MemoryAuditSink(),
    scim: createScimNotifier({ baseUrl, token: new RedactedSecret(TOKEN), chunkSize, timeoutMs: 2000 }),
    scimOutbox: new LocalScimOutbox({ dir: root }),
  };
}

async function applied(ctx: RunContext, groupId: string, added: string[], removed: string[]): Promise<string> {
  const changes: AppliedChanges = { groupId, added, removed };
  return (await deps.blobs.put(blobKeys.applied(ctx, groupId), changes)).ref;
}

async function notifyInput(ctx: RunContext, added: string[], removed: string[]): Promise<NotifyScimInput> {
  return {
    ctx,
    groupId: 'g-1',
    groupName: 'Sales',
    idpGroupId: 'idp-1',
    appliedRef: await applied(ctx, 'g-1', added, removed),
  };
}

/** An activity context for one attempt; failed attempts are expected here, so only errors are logged. */
function activityEnv(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

/** Runs `fn` as one activity attempt and returns its result, typed. */
async function runActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return (await activityEnv().run(fn, ...args)) as R;
}

/** Runs one activity attempt; resolves with its failure (or throws if it succeeded). */
async function failedAttempt(env: MockActivityEnvironment, fn: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await env.run(fn);
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected the attempt to fail');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-scim-outbox-act-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await startScimServer({ token: TOKEN });
  deps = depsFor(server.baseUrl);
});
afterEach(async () => {
  await server.close();
});

describe('SCIM outbox activities against a scimmy peer', () => {
  it('keeps a notification pending through an outage longer than all retries; the next run delivers it', async () => {
    server.createGroup('idp-1', 'Sales', ['u-0', 'u-1']);
    const { deliverScimOutbox } = makeScimOutboxActivities(deps);
    const notifyScim = makeNotifyScim(deps);
    const input = await notifyInput(run1, ['n-1'], ['u-0']);

    server.failNext(503, NOTIFY_MAX_ATTEMPTS);
    for (let attempt = 1; attempt <= NOTIFY_MAX_ATTEMPTS; attempt++) {
      const env = activityEnv({ attempt });
      const failure = await failedAttempt(env, () => notifyScim(input));
      expect(failure).toMatchObject({ type: 'ScimUnavailable', nonRetryable: false });
    }

    // Retries exhausted: Genesys changed, the IdP did not, and the outbox still owes it the change.
    expect(sorted(server.members('idp-1'))).toEqual(['u-0', 'u-1']);
    const [pending] = await deps.scimOutbox.list();
    expect(pending).toMatchObject({ idpGroupId: 'idp-1', groupId: 'g-1', ops: 2, attempts: NOTIFY_MAX_ATTEMPTS });
    expect(pending.lastError).toMatch(/HTTP 503/);

    // Run 2: Genesys has nothing to change; the outbox is delivered at the start of the run anyway.
    const result = await runActivity(deliverScimOutbox, { ctx: run2 });
    expect(result).toEqual({ delivered: [{ groupId: 'g-1', idpGroupId: 'idp-1', ops: 2 }], pending: [] });
    expect(sorted(server.members('idp-1'))).toEqual(['n-1', 'u-1']);
    expect(await deps.scimOutbox.list()).toEqual([]);
    const audited = deps.audit.entries.filter((e) => e.id === 'wf-sched/run-2/scim-outbox/g-1/delivered');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ type: 'scim.notify', outcome: 'sent', members: 2, via: 'outbox' });

    // A retried deliverScimOutbox (same run) has nothing left to send and audits nothing twice.
    const patches = server.requests.filter((r) => r.method === 'PATCH').length;
    expect(await runActivity(deliverScimOutbox, { ctx: run2 })).toEqual({
      delivered: [],
      pending: [],
    });
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(patches);
  });

  it('a retried notifyScim records its delta once and resends only the chunks not yet accepted', async () => {
    server.createGroup('idp-1', 'Sales', ['u-0', 'u-1', 'u-2']);
    deps = depsFor(server.baseUrl, 2);
    const notifyScim = makeNotifyScim(deps);
    const input = await notifyInput(run1, ['n-1', 'n-2'], ['u-0', 'u-1']); // 2 chunks: removes, then adds

    const first = activityEnv({ attempt: 1 });
    let details: unknown;
    first.on('heartbeat', (d: unknown) => {
      details = d;
      server.failNext(503); // the IdP goes down after the first chunk
    });
    await failedAttempt(first, () => notifyScim(input));
    expect(await deps.scimOutbox.get('idp-1')).toMatchObject({ add: ['n-1', 'n-2'], remove: [] });

    const second = activityEnv({ attempt: 2, heartbeatDetails: details });
    const result = await second.run(notifyScim, input);
    expect(result).toEqual({ status: 'notified', requests: 2, ops: 1 });

    const bodies = server.requests.filter((r) => r.method === 'PATCH').map((r) => JSON.stringify(r.body));
    expect(bodies).toHaveLength(3); // chunk 1, chunk 2 refused, chunk 2 again
    expect(bodies[2]).toBe(bodies[1]);
    expect(bodies[2]).not.toContain('u-0');
    expect(sorted(server.members('idp-1'))).toEqual(['n-1', 'n-2', 'u-2']);
    expect(await deps.scimOutbox.list()).toEqual([]);
    expect(deps.audit.entries.find((e) => e.id === 'wf-sched/run-1/scim/g-1/sent')).toMatchObject({
      members: 4,
      requests: 2,
    });
  });

  it('merges a later run into what is pending: a re-added member cancels its pending remove', async () => {
    server.createGroup('idp-1', 'Sales', ['u-0', 'u-1']);
    const notifyScim = makeNotifyScim(deps);
    server.failNext(503);
    await failedAttempt(activityEnv(), async () => notifyScim(await notifyInput(run1, ['n-1'], ['u-0'])));

    // Run 2 adds u-0 back in Genesys: the IdP must end with u-0 (never removed), plus run 1's n-1.
    const result = await runActivity(notifyScim, await notifyInput(run2, ['u-0'], []));
    expect(result).toMatchObject({ status: 'notified' });
    expect(sorted(server.members('idp-1'))).toEqual(['n-1', 'u-0', 'u-1']);
    const lastBody = JSON.stringify(server.requests.filter((r) => r.method === 'PATCH').at(-1)?.body);
    expect(lastBody).not.toContain('"remove"');
  });

  it('keeps a rejected notification pending and reports it until the IdP accepts it', async () => {
    server.createGroup('idp-1', 'Sales', ['u-0']);
    const notifyScim = makeNotifyScim(deps);
    const { deliverScimOutbox, listScimOutbox } = makeScimOutboxActivities(deps);
    server.failNext(400);
    const failure = await failedAttempt(activityEnv(), async () => notifyScim(await notifyInput(run1, ['n-1'], [])));
    expect(failure).toMatchObject({ type: 'ScimRejected', nonRetryable: true });
    expect(deps.audit.entries.find((e) => e.id === 'wf-sched/run-1/scim/g-1/failed')).toMatchObject({
      outcome: 'failed',
      httpStatus: 400,
      pendingOps: 1,
    });

    const listed = await runActivity(listScimOutbox);
    expect(listed).toEqual([
      expect.objectContaining({ groupId: 'g-1', groupName: 'Sales', idpGroupId: 'idp-1', ops: 1 }),
    ]);
    expect(listed[0].lastError).toMatch(/HTTP 400/);

    server.failNext(400);
    const stillRejected = await runActivity(deliverScimOutbox, { ctx: run2 });
    expect(stillRejected.delivered).toEqual([]);
    expect(stillRejected.pending).toEqual([
      {
        groupId: 'g-1',
        groupName: 'Sales',
        idpGroupId: 'idp-1',
        ops: 1,
        since: listed[0].since,
        lastError: expect.stringMatching(/HTTP 400/),
      },
    ]);
    expect(deps.audit.entries.find((e) => e.id === 'wf-sched/run-2/scim-outbox/g-1/pending')).toMatchObject({
      outcome: 'failed',
      httpStatus: 400,
      pendingOps: 1,
    });

    const run3: RunContext = { workflowId: 'wf-sched', runId: 'run-3' };
    const fixed = await runActivity(deliverScimOutbox, { ctx: run3 });
    expect(fixed).toEqual({ delivered: [{ groupId: 'g-1', idpGroupId: 'idp-1', ops: 1 }], pending: [] });
    expect(sorted(server.members('idp-1'))).toEqual(['n-1', 'u-0']);
  });

  it("contains each group's failure: a group unknown to the IdP does not stop the others", async () => {
    server.createGroup('idp-ok', 'Support', []);
    await deps.scimOutbox.record({
      key: 'k1',
      idpGroupId: 'idp-gone',
      groupId: 'g-gone',
      groupName: 'Gone',
      add: ['a'],
      remove: [],
    });
    await deps.scimOutbox.record({
      key: 'k2',
      idpGroupId: 'idp-ok',
      groupId: 'g-ok',
      groupName: 'Support',
      add: ['b'],
      remove: [],
    });
    const { deliverScimOutbox } = makeScimOutboxActivities(deps);

    const result = await runActivity(deliverScimOutbox, { ctx: run1 });

    expect(result.delivered).toEqual([{ groupId: 'g-ok', idpGroupId: 'idp-ok', ops: 1 }]);
    expect(result.pending).toEqual([expect.objectContaining({ groupId: 'g-gone', idpGroupId: 'idp-gone', ops: 1 })]);
    expect(result.pending[0].lastError).toMatch(/HTTP 404/);
    expect(server.members('idp-ok')).toEqual(['b']);
  });

  it(`stops trying after ${MAX_CONSECUTIVE_UNAVAILABLE} groups find the IdP unavailable, and keeps all pending`, async () => {
    await server.close();
    server = await startScimServer({ token: TOKEN });
    const downUrl = server.baseUrl;
    await server.close(); // nothing listens there any more: connection refused
    deps = depsFor(downUrl);
    server = await startScimServer({ token: TOKEN }); // for afterEach
    const groups = MAX_CONSECUTIVE_UNAVAILABLE + 2;
    for (let i = 0; i < groups; i++) {
      await deps.scimOutbox.record({
        key: `k${i}`,
        idpGroupId: `idp-${i}`,
        groupId: `g-${i}`,
        groupName: `G${i}`,
        add: ['x'],
        remove: [],
        at: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
      });
    }
    const { deliverScimOutbox } = makeScimOutboxActivities(deps);

    const result = await runActivity(deliverScimOutbox, { ctx: run1 });

    expect(result.delivered).toEqual([]);
    expect(result.pending.map((p) => p.groupId)).toEqual(Array.from({ length: groups }, (_, i) => `g-${i}`));
    const skipped = result.pending.slice(MAX_CONSECUTIVE_UNAVAILABLE);
    for (const p of skipped) expect(p.lastError).toMatch(/^not attempted in this run: IdP unavailable/);
    for (const p of result.pending.slice(0, MAX_CONSECUTIVE_UNAVAILABLE)) expect(p.lastError).toMatch(/network error/);
    expect(deps.audit.entries.filter((e) => e.outcome === 'skipped')).toHaveLength(2);
    expect(await deps.scimOutbox.list()).toHaveLength(groups);
  });

  it('never delivers a group while another run holds its delivery lease', async () => {
    server.createGroup('idp-1', 'Sales', []);
    await deps.scimOutbox.record({
      key: 'k0',
      idpGroupId: 'idp-1',
      groupId: 'g-1',
      groupName: 'Sales',
      add: ['a'],
      remove: [],
    });
    expect(await deps.scimOutbox.claim('idp-1', 'other-run', 60_000)).toBe(true);
    const { deliverScimOutbox } = makeScimOutboxActivities(deps);

    const busy = await runActivity(deliverScimOutbox, { ctx: run1 });
    expect(busy.delivered).toEqual([]);
    expect(busy.pending).toEqual([expect.objectContaining({ groupId: 'g-1', ops: 1 })]);
    expect(busy.pending[0].lastError).toMatch(/in progress elsewhere/);
    const failure = await failedAttempt(activityEnv(), async () =>
      makeNotifyScim(deps)(await notifyInput(run2, ['b'], [])),
    );
    expect(failure).toMatchObject({ type: 'ScimOutboxBusy', nonRetryable: false });
    expect(server.requests).toEqual([]);
    expect((await deps.scimOutbox.get('idp-1'))?.attempts).toBe(0); // not an IdP failure

    await deps.scimOutbox.release('idp-1', 'other-run');
    const done = await runActivity(deliverScimOutbox, { ctx: run2 });
    expect(done.delivered).toEqual([{ groupId: 'g-1', idpGroupId: 'idp-1', ops: 2 }]);
    expect(sorted(server.members('idp-1'))).toEqual(['a', 'b']);
  });

  it('stores nothing and delivers nothing when SCIM is off', async () => {
    const off = { ...deps, scim: undefined };
    const input = await notifyInput(run1, ['n-1'], []);
    expect(await runActivity(makeNotifyScim(off), input)).toEqual({ status: 'off' });
    expect(await deps.scimOutbox.list()).toEqual([]);
    const { deliverScimOutbox, listScimOutbox } = makeScimOutboxActivities(off);
    expect(await runActivity(deliverScimOutbox, { ctx: run1 })).toEqual({
      delivered: [],
      pending: [],
    });
    expect(await runActivity(listScimOutbox)).toEqual([]);
  });

  it('refuses to notify without an outbox rather than risk dropping the notification', async () => {
    const noOutbox = { ...deps, scimOutbox: undefined };
    const failure = await failedAttempt(activityEnv(), async () =>
      makeNotifyScim(noOutbox)(await notifyInput(run1, ['n-1'], [])),
    );
    expect(failure).toMatchObject({ type: 'ScimMisconfigured', nonRetryable: true });
    expect(server.requests).toEqual([]);
  });
});
