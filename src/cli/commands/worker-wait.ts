/**
 * A bounded wait for a worker: a run the CLI started and follows must be picked up by a worker polling its task queue.
 * If no status has come back after a while, the task queue's pollers are described; with none, the run is ended
 * (it would otherwise start whenever some worker appears, long after the operator gave up on it) and the command
 * fails with what to do.
 */
import type { Client } from '@temporalio/client';
import type { TemporalConfig } from '../../config/temporal-config';
import { gcsyncInvocation, temporalCommand } from '../invocation';

/** `temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL` and `TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW`. */
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** How long a followed run may go without any status before the pollers are checked. */
export const DEFAULT_WORKER_WAIT_MS = 10_000;

/** A running watch: `failed` rejects with the hint when no worker polls; `cancel` once the run answered. */
export interface WorkerWatch {
  failed: Promise<never>;
  cancel(): void;
  /**
   * Follows the run through `following` until it ends or the watch fails. Once the watch has ended the run, the
   * hint wins over the run's own "terminated" failure, whichever arrives first.
   */
  guard<T>(following: Promise<T>): Promise<T>;
}

/**
 * Watches a just-started run. After `afterMs` without {@link WorkerWatch.cancel}, it asks Temporal who polls the task
 * queue: nobody → the run is terminated and `failed` rejects with the hint; a worker is there (just slow) → it waits
 * on, checking again every `afterMs`.
 */
export function watchForWorker(
  client: Client,
  config: Pick<TemporalConfig, 'address' | 'namespace' | 'taskQueue'>,
  workflowId: string,
  afterMs = DEFAULT_WORKER_WAIT_MS,
): WorkerWatch {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  let ending = false;
  const failed = new Promise<never>((_resolve, reject) => {
    const check = async (): Promise<void> => {
      if (cancelled) return;
      if ((await pollerCount(client, config)) > 0) {
        timer = setTimeout(() => void check().catch(reject), afterMs);
        return;
      }
      if (cancelled) return;
      ending = true;
      const message = await noWorkerMessage(config, workflowId, afterMs);
      await client.workflow
        .getHandle(workflowId)
        .terminate(`no worker polled task queue ${config.taskQueue} within ${Math.round(afterMs / 1000)}s`)
        .catch(() => undefined);
      reject(new Error(message));
    };
    timer = setTimeout(() => void check().catch(reject), afterMs);
  });
  // Nobody may be listening for `failed` once the run answered.
  failed.catch(() => undefined);
  return {
    failed,
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
    guard: async <T>(following: Promise<T>): Promise<T> => {
      try {
        return await Promise.race([following, failed]);
      } catch (err) {
        if (ending) return failed;
        throw err;
      }
    },
  };
}

/** Workers polling the task queue for workflow tasks right now (as `temporal task-queue describe` lists them). */
export async function pollerCount(
  client: Client,
  config: Pick<TemporalConfig, 'namespace' | 'taskQueue'>,
): Promise<number> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace: config.namespace,
    taskQueue: { name: config.taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  return answer.pollers?.length ?? 0;
}

async function noWorkerMessage(
  config: Pick<TemporalConfig, 'address' | 'namespace' | 'taskQueue'>,
  workflowId: string,
  afterMs: number,
): Promise<string> {
  const worker = await gcsyncInvocation({
    TEMPORAL_ADDRESS: config.address,
    ...(config.namespace === 'default' ? {} : { TEMPORAL_NAMESPACE: config.namespace }),
    ...(config.taskQueue === 'gcsync' ? {} : { GCSYNC_TASK_QUEUE: config.taskQueue }),
  });
  return [
    `no worker is polling task queue "${config.taskQueue}" (namespace ${config.namespace} at ${config.address}): ` +
      `nothing picked up run ${workflowId} within ${Math.round(afterMs / 1000)}s, so it was ended.`,
    `  Check:  ${await temporalCommand()} task-queue describe --task-queue ${config.taskQueue} --address ${config.address} (lists the pollers)`,
    `  Start one (with your GENESYS_* settings): ${worker} worker`,
  ].join('\n');
}
