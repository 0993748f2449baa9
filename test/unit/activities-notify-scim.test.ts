/**
 * `notifyScim` in MockActivityEnvironment with a fake SCIM peer (in memory, chunked like the real client, failures
 * scripted per request) and the real file outbox: heartbeat details after each accepted chunk, resuming from them on
 * a retried attempt, cancellation leaving the outbox untouched, retryable vs. rejected failures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { AppliedChanges } from '../../activities/apply-group';
import { blobKeys, type ActivityDeps } from '../../activities/deps';
import { makeNotifyScim } from '../../activities/notify-scim';
import type { NotifyScimInput, RunContext } from '../../activities/types';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import type { NotifyGroupInput, NotifyGroupResult, ScimNotifier } from '../../src/scim/client';
import { ScimError } from '../../src/scim/errors';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { LocalScimOutbox } from '../../src/store/scim-outbox-local';

const ctx: RunContext = { workflowId: 'wf', runId: 'run-1' };

/** A SCIM peer in memory: applies chunks of `chunkSize` (removals first), or fails request n as scripted. */
class FakeScimPeer implements ScimNotifier {
  readonly requestTimeoutMs = 1_000;
  members = new Set<string>();
  /** Requests received (1-based count), including failed ones. */
  requests = 0;
  /** Request number → what it does instead of succeeding. */
  script = new Map<number, 'cancel-while-in-flight' | ScimError>();
  /** Called when a request is in flight and scripted to wait for cancellation. */
  onInFlight: () => void = () => undefined;

  constructor(private readonly chunkSize = 2) {}

  async notifyGroup(input: NotifyGroupInput): Promise<NotifyGroupResult> {
    const ops = [...input.remove.map((id) => ['remove', id] as const), ...input.add.map((id) => ['add', id] as const)];
    const totalChunks = Math.ceil(ops.length / this.chunkSize);
    const statuses: number[] = [];
    for (let index = 0; index < totalChunks; index++) {
      this.requests += 1;
      const scripted = this.script.get(this.requests);
      if (scripted === 'cancel-while-in-flight') await this.waitForAbort(input, index, totalChunks);
      else if (scripted) throw scripted;
      const chunk = ops.slice(index * this.chunkSize, (index + 1) * this.chunkSize);
      const removed = chunk.filter(([op]) => op === 'remove').map(([, id]) => id);
      const added = chunk.filter(([op]) => op === 'add').map(([, id]) => id);
      removed.forEach((id) => this.members.delete(id));
      added.forEach((id) => this.members.add(id));
      statuses.push(200);
      await input.onChunkDone?.(index, { totalChunks, chunkSize: this.chunkSize, status: 200, removed, added });
    }
    return { requests: statuses.length, ops: ops.length, statuses, totalChunks, chunkSize: this.chunkSize };
  }

  /** Like an HTTP request aborted by the activity's cancellation signal: rejects with a `cancelled` ScimError. */
  private waitForAbort(input: NotifyGroupInput, chunkIndex: number, totalChunks: number): Promise<never> {
    return new Promise((_, reject) => {
      const fail = () =>
        reject(
          new ScimError({
            kind: 'cancelled',
            retryable: false,
            idpGroupId: input.idpGroupId,
            chunkIndex,
            totalChunks,
            code: 'ERR_CANCELED',
          }),
        );
      if (input.signal?.aborted) return fail();
      input.signal?.addEventListener('abort', fail, { once: true });
      this.onInFlight();
    });
  }
}

function httpError(status: number, chunkIndex: number, retryAfterSeconds?: number): ScimError {
  return new ScimError({
    kind: 'http',
    retryable: status === 429 || status >= 500,
    idpGroupId: 'idp-1',
    chunkIndex,
    totalChunks: 3,
    status,
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcsync-notify-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function setUp(added: string[], removed: string[]) {
  const peer = new FakeScimPeer();
  removed.forEach((id) => peer.members.add(id));
  const audit = new MemoryAuditSink();
  const scimOutbox = new LocalScimOutbox({ dir });
  const deps: ActivityDeps = {
    directory: undefined as never,
    ledger: undefined as never,
    blobs: new LocalBlobStore({ dir, gzip: false }),
    audit,
    scim: peer,
    scimOutbox,
  };
  const changes: AppliedChanges = { groupId: 'g1', added, removed };
  const appliedRef = (await deps.blobs.put(blobKeys.applied(ctx, 'g1'), changes)).ref;
  const input: NotifyScimInput = { ctx, groupId: 'g1', groupName: 'Sales', idpGroupId: 'idp-1', appliedRef };
  return { peer, audit, scimOutbox, notifyScim: makeNotifyScim(deps), input };
}

/** A context for one attempt that collects its heartbeats; failed attempts are expected, so only errors log. */
function attempt(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) {
  const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { env, beats };
}

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => new Error('expected the attempt to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw err;
  return err;
}

describe('notifyScim heartbeats and retries', () => {
  it('heartbeats cumulative requests and members after each accepted chunk, and audits the total', async () => {
    const { peer, audit, scimOutbox, notifyScim, input } = await setUp(['a', 'b', 'c'], ['x', 'y']);
    const { env, beats } = attempt();
    const result = await env.run(notifyScim, input);
    expect(result).toEqual({ status: 'notified', requests: 3, ops: 5 });
    expect(beats).toEqual([
      { requests: 1, members: 2 },
      { requests: 2, members: 4 },
      { requests: 3, members: 5 },
    ]);
    expect([...peer.members].sort()).toEqual(['a', 'b', 'c']);
    expect(await scimOutbox.list()).toEqual([]);
    expect(audit.entries).toEqual([
      expect.objectContaining({ type: 'scim.notify', outcome: 'sent', requests: 3, members: 5, ops: 5 }),
    ]);
  });

  it('a retried attempt resumes: sends only what the outbox still holds and adds up across attempts', async () => {
    const { peer, audit, scimOutbox, notifyScim, input } = await setUp(['a', 'b', 'c'], ['x', 'y']);
    peer.script.set(2, httpError(503, 1, 7));
    const first = attempt({ attempt: 1 });
    const err = await failure(first.env.run(notifyScim, input));
    expect(err).toMatchObject({ type: 'ScimUnavailable', nonRetryable: false, nextRetryDelay: 7000 });
    expect(first.beats).toEqual([{ requests: 1, members: 2 }]);
    expect((await scimOutbox.get('idp-1'))?.ops).toBe(3); // the first chunk was cleared as the IdP accepted it
    expect(audit.entries).toEqual([]); // retryable: no outcome yet

    const second = attempt({ attempt: 2, heartbeatDetails: first.beats.at(-1) });
    const result = await second.env.run(notifyScim, input);
    // Two more requests for the three pending changes; the delta was not recorded a second time.
    expect(result).toEqual({ status: 'notified', requests: 3, ops: 3 });
    expect(peer.requests).toBe(4); // 1 accepted + 1 failed + 2 accepted
    expect(second.beats).toEqual([
      { requests: 2, members: 4 },
      { requests: 3, members: 5 },
    ]);
    expect([...peer.members].sort()).toEqual(['a', 'b', 'c']);
    expect(audit.entries).toEqual([expect.objectContaining({ outcome: 'sent', requests: 3, members: 5 })]);
  });

  it('a rejection (400) fails for good, is audited with what stays pending, and stays in the outbox', async () => {
    const { peer, audit, scimOutbox, notifyScim, input } = await setUp(['a', 'b', 'c'], ['x', 'y']);
    peer.script.set(2, httpError(400, 1));
    const err = await failure(attempt().env.run(notifyScim, input));
    expect(err).toMatchObject({ type: 'ScimRejected', nonRetryable: true });
    const pending = await scimOutbox.get('idp-1');
    expect(pending).toMatchObject({ ops: 3 });
    expect(pending?.lastError).toMatch(/400/);
    expect(audit.entries).toEqual([
      expect.objectContaining({ type: 'scim.notify', outcome: 'failed', httpStatus: 400, pendingOps: 3 }),
    ]);
  });
});

describe('notifyScim cancellation', () => {
  it('a cancelled attempt stops the request in flight; nothing is audited or marked failed, nothing is lost', async () => {
    const { peer, audit, scimOutbox, notifyScim, input } = await setUp(['a', 'b', 'c'], ['x', 'y']);
    const { env, beats } = attempt();
    peer.script.set(2, 'cancel-while-in-flight');
    peer.onInFlight = () => env.cancel('TIMED_OUT');
    await expect(env.run(notifyScim, input)).rejects.toBeInstanceOf(CancelledFailure);
    expect(peer.requests).toBe(2);
    expect(beats).toEqual([{ requests: 1, members: 2 }]);
    expect(audit.entries).toEqual([]);
    const pending = await scimOutbox.get('idp-1');
    expect(pending).toMatchObject({ ops: 3 });
    expect(pending?.lastError).toBeUndefined();
    // The lease was released: the next attempt delivers the rest at once.
    const next = await attempt({ attempt: 2, heartbeatDetails: beats.at(-1) }).env.run(notifyScim, input);
    expect(next).toMatchObject({ status: 'notified', requests: 3 });
    expect(await scimOutbox.list()).toEqual([]);
  });
});
