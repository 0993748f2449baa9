/**
 * Connecting the worker to Temporal, patiently: a worker started before Temporal (a compose file, a rolling
 * restart, a Temporal upgrade) keeps retrying with back-off and one log line per attempt instead of exiting 1,
 * until it connects or is told to stop (SIGINT/SIGTERM).
 */

/** Options of {@link connectWithRetry}. */
export interface ConnectRetryOptions {
  /** Where to say that Temporal is unreachable, e.g. `cannot reach Temporal at …; retrying in 4 s`. */
  print: (line: string) => void;
  /** Names the target in log lines, e.g. `127.0.0.1:7233`. */
  address: string;
  /** Stops retrying (e.g. on SIGTERM); the promise then rejects with {@link ConnectAbortedError}. */
  signal?: AbortSignal;
  /** First wait; doubled after each failure. @default 1_000 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
  /** @default setTimeout, ended early by `signal` */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Retrying stopped because the worker was asked to stop before it could connect. */
export class ConnectAbortedError extends Error {
  override readonly name = 'ConnectAbortedError';
}

/** Calls `connect` until it succeeds, waiting 1 s, 2 s, 4 s … (at most 30 s) between attempts. */
export async function connectWithRetry<T>(connect: () => Promise<T>, opts: ConnectRetryOptions): Promise<T> {
  const sleep = opts.sleep ?? defaultSleep;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  let delayMs = opts.initialDelayMs ?? 1_000;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new ConnectAbortedError(`stopped before Temporal at ${opts.address} was reachable`);
    try {
      const connection = await connect();
      if (attempt > 1) opts.print(`connected to Temporal at ${opts.address} after ${attempt} attempts`);
      return connection;
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
      opts.print(
        `cannot reach Temporal at ${opts.address} (TEMPORAL_ADDRESS): ${reason}; retrying in ${Math.round(delayMs / 1000)} s (attempt ${attempt})`,
      );
    }
    await sleep(delayMs, opts.signal).catch(() => undefined);
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
