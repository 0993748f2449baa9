import { ApplicationFailure, CancelledFailure, heartbeat } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { FAILURE_TYPES, toDirectoryFailure } from '../../activities/failures';
import { RateLimitPacer } from '../../src/genesys/pacer';
import { activityWaitHooks, heartbeatTrackingInterceptor } from '../../src/worker/activity-wait-hooks';

/** A pacer blocked by a 429 for `seconds`, on the real clock with short slices. */
function blockedPacer(ms: number): RateLimitPacer {
  const pacer = new RateLimitPacer({ sliceMs: 20 });
  pacer.observe({ status: 429, retryAfterSeconds: ms / 1000 });
  return pacer;
}

describe('activity wait hooks (worker wiring)', () => {
  it('do nothing outside an activity', async () => {
    expect(activityWaitHooks.signal?.()).toBeUndefined();
    expect(() => activityWaitHooks.onWait?.()).not.toThrow();
    await blockedPacer(50).acquire(activityWaitHooks);
  });

  it('heartbeat a waiting activity with the details it last sent, never with none', async () => {
    const env = new MockActivityEnvironment(
      { heartbeatTimeoutMs: 60_000 },
      { interceptors: [heartbeatTrackingInterceptor] },
    );
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(async () => {
      heartbeat({ nextPage: 7 });
      await blockedPacer(150).acquire(activityWaitHooks);
    });
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.every((d) => JSON.stringify(d) === JSON.stringify({ nextPage: 7 }))).toBe(true);
  });

  it('repeat the previous attempt’s details when this attempt has not heartbeated yet', async () => {
    const env = new MockActivityEnvironment(
      { heartbeatTimeoutMs: 60_000, heartbeatDetails: { next: 3 } },
      { interceptors: [heartbeatTrackingInterceptor] },
    );
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(() => blockedPacer(60).acquire(activityWaitHooks));
    expect(beats.length).toBeGreaterThan(0);
    expect(beats).toContainEqual({ next: 3 });
    expect(beats.every((d) => JSON.stringify(d) === JSON.stringify({ next: 3 }))).toBe(true);
  });

  it('end a wait when the activity is cancelled, and the failure is a retryable cancellation, not a rejection', async () => {
    const env = new MockActivityEnvironment(
      { heartbeatTimeoutMs: 60_000 },
      { interceptors: [heartbeatTrackingInterceptor] },
    );
    const started = Date.now();
    // Cancelled once the attempt is waiting (its first heartbeat comes from the wait), not after a guessed delay.
    env.once('heartbeat', () => env.cancel('CANCELLED'));
    const err = await env.run(() => blockedPacer(30_000).acquire(activityWaitHooks)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(5_000);
    const failure = toDirectoryFailure(err, 'reading group g1');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FAILURE_TYPES.cancelled);
    expect(failure.nonRetryable).toBe(false);
  });
});
