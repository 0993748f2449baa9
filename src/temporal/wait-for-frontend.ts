import { Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/** What {@link waitForFrontend} polls for. */
export interface WaitForFrontendOptions {
  address: string;
  namespace: string;
  /** Custom search attributes that must be registered before the server counts as ready. */
  searchAttributes?: readonly string[];
  /** Give up at this `Date.now()` value. */
  deadline: number;
  /** Settles when the server process exits; polling stops with that error instead of waiting for the deadline. */
  aborted: Promise<Error>;
  /** @default 250 */
  intervalMs?: number;
}

/**
 * Polls until the frontend answers `getSystemInfo` and `describeNamespace` for `namespace` (and lists the wanted
 * search attributes). A listening port alone is not enough: the frontend accepts connections before the
 * namespace exists.
 *
 * @throws the `aborted` error if the process exits first, or an Error naming the last failure at the deadline.
 */
export async function waitForFrontend(opts: WaitForFrontendOptions): Promise<void> {
  let abortError: Error | undefined;
  const aborted = opts.aborted.then((err) => {
    abortError = err;
    throw err;
  });
  aborted.catch(() => undefined); // raced below; this only stops an unhandled rejection once we have returned
  let lastError: unknown;
  // No server answers within its first few hundred ms anyway, and a server that dies at once (port taken) is then
  // seen before we open a gRPC connection to whatever else owns the port.
  await Promise.race([sleep(opts.intervalMs ?? 250), aborted]);
  while (Date.now() < opts.deadline) {
    if (abortError) throw abortError;
    try {
      // Race the exit so a crashed server fails the start at once rather than after a connect timeout.
      if (await Promise.race([probeOnce(opts), aborted])) return;
    } catch (err) {
      if (abortError) throw abortError;
      lastError = err;
    }
    await sleep(opts.intervalMs ?? 250);
  }
  const why = lastError instanceof Error ? lastError.message : 'search attributes not registered yet';
  throw new Error(`Temporal frontend at ${opts.address} not ready in time: ${why}`);
}

async function probeOnce(opts: WaitForFrontendOptions): Promise<boolean> {
  const remaining = Math.max(100, Math.min(2_000, opts.deadline - Date.now()));
  // Not Connection.connect(): when its first connect fails it leaves the gRPC channel open (and retrying), which
  // keeps the process alive; a lazy connection can always be closed in `finally`.
  const connection = Connection.lazy({ address: opts.address, connectTimeout: remaining });
  try {
    await connection.ensureConnected(); // includes getSystemInfo
    await connection.workflowService.describeNamespace({ namespace: opts.namespace });
    const wanted = opts.searchAttributes ?? [];
    if (wanted.length === 0) return true;
    const listed = await connection.operatorService.listSearchAttributes({ namespace: opts.namespace });
    return wanted.every((name) => name in (listed.customAttributes ?? {}));
  } finally {
    await connection.close();
  }
}
