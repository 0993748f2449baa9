/**
 * `applyGroup` and its activity context (MockActivityEnvironment): the heartbeat details it reports, what a
 * cancellation stops, and how attempt number and heartbeat details from an earlier attempt switch it to the
 * re-read-and-converge path. The Genesys side is an in-memory group (test/unit/apply-group-fixture.ts).
 */
import { CancelledFailure } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { makeApplyGroup } from '../../activities/apply-group';
import type { ApplyGroupResult } from '../../activities/types';
import { FAILURE_TYPES } from '../../src/core/failure-types';
import { ids, setUpGroup, useTempDir } from './apply-group-fixture';

const tempDir = useTempDir();

/** A context for one attempt; failures are expected in some tests, so only errors are logged. */
function attemptEnv(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

/** Runs one attempt and resolves with what it threw (fails the test if it succeeded). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the attempt to fail');
    },
    (err: unknown) => err,
  );
}

const outcomes = (entries: readonly Record<string, unknown>[]) =>
  entries
    .filter((e) => e.type === 'membership.change')
    .map((e) => `${String(e.op)} ${String(e.userId)} ${String(e.outcome)}`);

describe('applyGroup heartbeats', () => {
  it('heartbeats the phase, then each batch before and after its write', async () => {
    const { deps, input } = await setUpGroup(tempDir(), 'exact', ['x1'], ids(60));
    const env = attemptEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(makeApplyGroup(deps), input);
    expect(beats).toEqual([
      { phase: 'start' },
      { phase: 'remove', batchIndex: 0 },
      { phase: 'remove', batchIndex: 0 },
      { phase: 'add', batchIndex: 0 },
      { phase: 'add', batchIndex: 0 },
      { phase: 'add', batchIndex: 1 },
      { phase: 'add', batchIndex: 1 },
    ]);
  });

  it('heartbeats the re-read on a retried attempt', async () => {
    const { deps, input } = await setUpGroup(tempDir(), 'exact', [], ['a']);
    const env = attemptEnv({ attempt: 2 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(makeApplyGroup(deps), input);
    expect(beats.slice(0, 2)).toEqual([{ phase: 'start' }, { phase: 'read' }]);
  });
});

describe('applyGroup cancellation', () => {
  it('stops before the next write once cancelled; what was written is audited, nothing is marked failed', async () => {
    const { directory, deps, audit, input } = await setUpGroup(tempDir(), 'exact', [], ids(120));
    const env = attemptEnv();
    // The server cancels the attempt (e.g. it timed out) while the first batch is being written.
    directory.beforeWrite = () => {
      if (directory.calls.length === 1) env.cancel('TIMED_OUT');
    };
    const err = await failure(env.run(makeApplyGroup(deps), input));
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(directory.calls).toEqual(['POST v5']);
    expect(directory.members.size).toBe(50);
    const recorded = outcomes(audit.entries);
    expect(recorded).toHaveLength(50);
    expect(recorded.every((o) => o.endsWith(' applied'))).toBe(true);
    expect(audit.entries.filter((e) => e.type === 'group.failed')).toEqual([]);
  });

  it('writes nothing when cancelled before the first write', async () => {
    const { directory, deps, audit, input } = await setUpGroup(tempDir(), 'exact', ['x1'], ['a']);
    const env = attemptEnv();
    env.cancel();
    const err = await failure(env.run(makeApplyGroup(deps), input));
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(directory.calls).toEqual([]);
    expect(audit.entries).toEqual([]);
  });
});

describe('applyGroup retry attempts', () => {
  it('attempt 2 after a partial first attempt writes only what is left and records the rest once', async () => {
    const { directory, deps, audit, input } = await setUpGroup(tempDir(), 'exact', [], ids(120));
    // Attempt 1 wrote the first batch of 50 and died before it could record anything.
    ids(50).forEach((u) => directory.members.add(u));
    directory.version = 6;
    const result = (await attemptEnv({ attempt: 2 }).run(makeApplyGroup(deps), input)) as ApplyGroupResult;
    expect(directory.calls).toEqual(['GET group', 'GET individuals', 'POST v6', 'POST v7']);
    expect(result).toMatchObject({ added: 120, removed: 0 });
    const recorded = outcomes(audit.entries);
    expect(recorded.filter((o) => o.endsWith(' already-applied'))).toHaveLength(50);
    expect(recorded.filter((o) => o.endsWith(' applied'))).toHaveLength(70);
    expect(new Set(recorded.map((o) => o.split(' ')[1])).size).toBe(120); // each member once
  });

  it('attempt 1 carrying heartbeat details (a resumed attempt) re-reads too', async () => {
    const { directory, deps, input } = await setUpGroup(tempDir(), 'exact', ['x1'], ['a']);
    const env = attemptEnv({ attempt: 1, heartbeatDetails: { phase: 'remove', batchIndex: 0 } });
    await env.run(makeApplyGroup(deps), input);
    expect(directory.calls.slice(0, 2)).toEqual(['GET group', 'GET individuals']);
  });

  it('a first attempt never reads the group (the plan observation is its starting point)', async () => {
    const { directory, deps, input } = await setUpGroup(tempDir(), 'exact', ['x1'], ['a']);
    await attemptEnv({ attempt: 1 }).run(makeApplyGroup(deps), input);
    expect(directory.calls).toEqual(['DELETE', 'POST v6']);
  });

  it('a rejected write (403) fails the attempt for good and audits the group and its members as failed', async () => {
    const { directory, deps, audit, input } = await setUpGroup(tempDir(), 'exact', [], ['a', 'b']);
    directory.beforeWrite = () => {
      throw { status: 403, code: 'missing.permissions', message: 'Missing permission' };
    };
    const err = await failure(attemptEnv().run(makeApplyGroup(deps), input));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: FAILURE_TYPES.rejected, nonRetryable: true });
    expect(outcomes(audit.entries)).toEqual(['add a failed', 'add b failed']);
    expect(audit.entries.find((e) => e.type === 'group.failed')).toMatchObject({ groupId: 'g1', httpStatus: 403 });
  });
});
