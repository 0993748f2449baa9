import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { ReconcileResult, RunStatus } from '../../../workflows/messages';
import { getStatus, waitForResult } from '../../client/reconciliation-client';

/** Receives each status read while following a run. */
export interface RunObserver {
  update(status: RunStatus): void;
  stop(): void;
}

/**
 * Polls the run's `status` query every `intervalMs` until the run closes, feeding `observer`, and returns the
 * result. A status that cannot be read (no worker yet, or a worker restarting) is skipped, not fatal: the run is
 * durable and following it should be too.
 */
export async function followRun(
  client: Client,
  workflowId: string,
  observer: RunObserver,
  intervalMs = 500,
): Promise<ReconcileResult> {
  const outcome = waitForResult(client, workflowId).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  let closed = false;
  void outcome.then(() => (closed = true));
  try {
    while (!closed) {
      try {
        observer.update(await getStatus(client, workflowId, { timeoutMs: Math.max(intervalMs * 4, 2000) }));
      } catch {
        // next poll
      }
      // Unref: a pending poll delay must not hold the process open once the run has closed.
      await Promise.race([sleep(intervalMs, undefined, { ref: false }), outcome]);
    }
  } finally {
    observer.stop();
  }
  const settled = await outcome;
  if ('error' in settled) throw settled.error;
  return settled.result;
}
