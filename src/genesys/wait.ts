/**
 * Waiting inside a Genesys call (pacer slots, 429 back-off, throttled logins) without outliving the activity
 * that waits: sleeps are cut into short slices, and between slices the caller's hooks run (typically a Temporal
 * heartbeat) and its cancellation signal is checked, so a throttled attempt neither times out beside its own retry
 * nor keeps running after it was cancelled.
 */

/** Time source; tests pass a fake one whose `sleep` advances time instantly. */
export interface WaitClock {
  now(): number;
  /** Resolves after `ms`, or rejects early with `signal.reason` once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Hooks a long wait calls, supplied by whoever runs the calls (the worker wires them to the current activity).
 * Both are optional and read on every slice, so one client can serve many activities at once.
 */
export interface WaitHooks {
  /** Called before each slice of a wait, e.g. to heartbeat. Exceptions are ignored. */
  onWait?(): void;
  /** The current caller's cancellation signal, if any; an aborted signal ends the wait with its reason. */
  signal?(): AbortSignal | undefined;
}

/** Longest single sleep between two hook calls; well under any sensible heartbeat timeout. */
export const DEFAULT_WAIT_SLICE_MS = 2_000;

/** The system clock, with abortable sleeps. */
export const systemClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Throws the signal's reason when the caller has been cancelled. */
export function throwIfCancelled(hooks: WaitHooks | undefined): void {
  const signal = hooks?.signal?.();
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Sleeps `ms` in slices of at most `sliceMs`, calling `hooks.onWait` before each slice and ending early (by
 * throwing the signal's reason) when the caller is cancelled.
 */
export async function waitWithHooks(
  clock: WaitClock,
  ms: number,
  hooks: WaitHooks | undefined,
  sliceMs: number = DEFAULT_WAIT_SLICE_MS,
): Promise<void> {
  const until = clock.now() + ms;
  for (;;) {
    throwIfCancelled(hooks);
    const left = until - clock.now();
    if (left <= 0) return;
    try {
      hooks?.onWait?.();
    } catch {
      // A failing heartbeat must not turn a wait into an API error; cancellation arrives through the signal.
    }
    await clock.sleep(Math.min(left, sliceMs), hooks?.signal?.());
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new WaitCancelledError(String(reason ?? 'cancelled'));
}

/** A wait ended because the caller's signal aborted without an `Error` as its reason. */
export class WaitCancelledError extends Error {
  override readonly name = 'WaitCancelledError';
}
