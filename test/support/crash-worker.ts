/**
 * A reconciler worker in a process of its own, so a test can SIGKILL it at any point. Dependencies come from the
 * environment through `openActivityDeps`, exactly as `gcsync worker` builds them (GENESYS_*, GCSYNC_DATA_DIR,
 * AUDIT_FILE, GCSYNC_USERS_PAGE_SIZE, ...), plus:
 *
 * - `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `GCSYNC_TASK_QUEUE`: where to poll;
 * - `GCSYNC_WORKFLOW_BUNDLE`: path of a pre-built workflow bundle (optional; without it the worker bundles
 *   `workflows/` at start, which takes seconds on a small machine).
 *
 * Prints a ready line on stdout once the worker polls. Tests start it with {@link startWorkerProcess}
 * (`node --import tsx test/support/crash-worker.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { forgetChild, killOnParentExit } from '../../src/temporal/child-reaper';
import { openActivityDeps } from '../../src/worker/dependencies';
import { createReconcileWorker } from '../../src/worker/worker';

const READY_LINE = 'crash-worker ready';

/** A worker process started by {@link startWorkerProcess}. */
export interface WorkerProcess {
  pid: number;
  /** SIGKILL: no shutdown, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** The last output of the process (stdout and stderr), for failure messages. */
  logs(): string;
}

/**
 * Spawns this file as a worker process with `env` (on top of the current environment) and resolves once it polls.
 * The process is SIGKILLed if the test process exits first; call `stop()` or `kill()` in `afterAll`/`finally`.
 */
export async function startWorkerProcess(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', __filename], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnParentExit(child);
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = child.exitCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined);
  const gone = async (): Promise<void> => {
    await exited;
    forgetChild(child);
  };
  const handle: WorkerProcess = {
    pid: child.pid!,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone();
    },
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await gone();
        clearTimeout(timer);
      }
      await gone();
    },
    logs: () => output,
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker process not ready in ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      const onData = (): void => {
        if (!output.includes(READY_LINE)) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      };
      child.stdout!.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker process exited before it was ready (code ${child.exitCode})`));
      });
    });
  } catch (err) {
    await handle.kill();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return handle;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`crash-worker: ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const opened = await openActivityDeps(process.env);
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  try {
    const bundle = process.env.GCSYNC_WORKFLOW_BUNDLE;
    const worker = await createReconcileWorker({
      connection,
      namespace: required('TEMPORAL_NAMESPACE'),
      taskQueue: required('GCSYNC_TASK_QUEUE'),
      deps: opened.deps,
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
    });
    // SIGTERM/SIGINT make the Temporal runtime shut the worker down gracefully; `run()` then resolves.
    const running = worker.run();
    process.stdout.write(`${READY_LINE}\n`);
    await running;
  } finally {
    await connection.close().catch(() => undefined);
    await opened.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`crash-worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
