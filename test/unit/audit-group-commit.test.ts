/**
 * Group commit: appends that queue behind a commit in progress are committed together, each caller gets its own
 * counts, the order is the arrival order, and a failed commit rejects exactly the calls it carried.
 */
import type { AuditEvent } from '../../src/audit/entry';
import { GroupCommit } from '../../src/audit/group-commit';

const event = (id: string): AuditEvent =>
  ({ type: 'run.started', id, at: '2026-12-06T00:00:00Z', workflowId: 'wf', runId: 'r' }) as AuditEvent;

/** A store that commits when told to, recording each batch it was given. */
function manualStore() {
  const stored = new Set<string>();
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  let failNext: Error | undefined;
  const commit = async (events: AuditEvent[]) => {
    batches.push(events.map((e) => e.id));
    await new Promise<void>((release) => gates.push(release));
    if (failNext) {
      const err = failNext;
      failNext = undefined;
      throw err;
    }
    const added = new Set<string>();
    for (const e of events) {
      if (stored.has(e.id)) continue;
      stored.add(e.id);
      added.add(e.id);
    }
    return added;
  };
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  /** Resolves once `n` commits have started. */
  const started = async (n: number) => {
    while (batches.length < n) await new Promise((r) => setImmediate(r));
  };
  return { commit, batches, release, started, failOnce: (err: Error) => (failNext = err) };
}

it('commits appends made together as one batch', async () => {
  const store = manualStore();
  const group = new GroupCommit(store.commit);
  const both = Promise.all([group.submit([event('a')]), group.submit([event('b')])]);
  await store.release();
  expect(await both).toEqual([
    { appended: 1, skipped: 0 },
    { appended: 1, skipped: 0 },
  ]);
  expect(store.batches).toEqual([['a', 'b']]);
});

it('commits the appends that queued behind a commit in progress as one batch, in arrival order', async () => {
  const store = manualStore();
  const group = new GroupCommit(store.commit);
  const first = group.submit([event('a')]);
  await store.started(1);
  const second = group.submit([event('b'), event('c')]);
  const third = group.submit([event('d')]);
  await store.release(); // the first commit held the lock while the other two arrived
  await store.release();
  expect(await Promise.all([first, second, third])).toEqual([
    { appended: 1, skipped: 0 },
    { appended: 2, skipped: 0 },
    { appended: 1, skipped: 0 },
  ]);
  expect(store.batches).toEqual([['a'], ['b', 'c', 'd']]);
});

it('gives each caller its own counts: an id already stored, or carried by an earlier caller of the batch, is skipped', async () => {
  const store = manualStore();
  const group = new GroupCommit(store.commit);
  const first = group.submit([event('a')]);
  await store.release();
  await first;
  const hold = group.submit([event('x')]);
  await store.started(2);
  const retry = group.submit([event('a'), event('b')]);
  const twin = group.submit([event('b')]);
  await store.release();
  await store.release();
  expect(store.batches).toEqual([['a'], ['x'], ['a', 'b', 'b']]);
  expect(await Promise.all([hold, retry, twin])).toEqual([
    { appended: 1, skipped: 0 },
    { appended: 1, skipped: 1 },
    { appended: 0, skipped: 1 },
  ]);
});

it('rejects every call a failed commit carried, and commits later calls', async () => {
  const store = manualStore();
  const group = new GroupCommit(store.commit);
  const first = group.submit([event('a')]);
  await store.started(1);
  const second = group.submit([event('b')]);
  const third = group.submit([event('c')]);
  store.failOnce(new Error('disk full'));
  await store.release();
  await expect(first).rejects.toThrow('disk full');
  await store.started(2);
  const fourth = group.submit([event('d')]);
  await store.release();
  expect(await Promise.all([second, third])).toEqual([
    { appended: 1, skipped: 0 },
    { appended: 1, skipped: 0 },
  ]);
  await store.release();
  expect(await fourth).toEqual({ appended: 1, skipped: 0 });
  expect(store.batches).toEqual([['a'], ['b', 'c'], ['d']]);
  await group.drained();
});
