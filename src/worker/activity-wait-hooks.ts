/**
 * Lets the shared Genesys client wait (pacer slots, 429s, throttled logins) on behalf of whichever activity is
 * calling it: between slices of a wait it heartbeats that activity and watches its cancellation signal.
 *
 * A heartbeat replaces the activity's recorded heartbeat details (the resume cursor of `snapshotUsers` and
 * `notifyScim`), so the keep-alive heartbeat must repeat the details the activity last sent rather than send
 * none. The SDK offers no way to read them, hence {@link heartbeatTrackingInterceptor}, which remembers them.
 */
import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { WaitHooks } from '../genesys/wait';

const lastDetails = new WeakMap<Context, { details: unknown }>();

/**
 * Worker interceptor that records each activity's latest heartbeat details, for {@link activityWaitHooks}.
 * Register it in `interceptors.activity`.
 */
export const heartbeatTrackingInterceptor: ActivityInterceptorsFactory = (ctx) => {
  const original = ctx.heartbeat;
  const tracked = (details?: unknown): void => {
    lastDetails.set(ctx, { details });
    original(details);
  };
  // `heartbeat` is an instance field (an arrow function) that the `heartbeat()` helper reads on every call.
  Object.defineProperty(ctx, 'heartbeat', { value: tracked, configurable: true, writable: true });
  return {};
};

/** The current activity's context, or undefined outside an activity (`Context.current()` throws there). */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Hooks for `createGenesysClient({ waitHooks })`: inside an activity that has a heartbeat timeout, each slice of
 * a wait heartbeats it with its last details; inside any activity, the wait ends when the activity is cancelled
 * (or its attempt timed out). Outside activities (start-up, CLI) both do nothing.
 */
export const activityWaitHooks: WaitHooks = {
  onWait() {
    const ctx = currentActivity();
    // Only activities with a heartbeat timeout heartbeat (the SDK asks not to otherwise).
    if (!ctx?.info.heartbeatTimeoutMs) return;
    const last = lastDetails.get(ctx);
    ctx.heartbeat(last ? last.details : ctx.info.heartbeatDetails);
  },
  signal() {
    return currentActivity()?.cancellationSignal;
  },
};
