/**
 * Experiment behind docs/deploy.md: does Worker Versioning (worker deployments, `PINNED` workflows) work with SDK
 * 1.24 on the Temporal CLI 1.5.1 dev server, and what does it cost a run that waits? Starts its own dev server, two
 * worker builds of a tiny workflow (`worker-versioning/workflow-v1.ts`, `-v2.ts`), switches the deployment's current
 * version with the `temporal` CLI and prints what each run did. `npx tsx scripts/experiments/worker-versioning.ts`
 */
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { findTemporalCli } from '../../src/temporal/cli-binary';
import { startDevServer } from '../../src/temporal/dev-server';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const TASK_QUEUE = 'versioning-experiment';
const DEPLOYMENT = 'gcsync';
const BEHAVIOURS = ['unspecified', 'PINNED', 'AUTO_UPGRADE'];
const quiet = (): void => undefined;
const quietBundler = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error };
const log = (...parts: unknown[]): void => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);

async function main(): Promise<void> {
  const cli = (await findTemporalCli()).path;
  const server = await startDevServer({ cliPath: cli });
  const temporal = (...args: string[]): string =>
    execFileSync(cli, [...args, '--address', server.address], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const connection = await NativeConnection.connect({ address: server.address });
  const clientConnection = await Connection.connect({ address: server.address });
  const client = new Client({ connection: clientConnection });

  /** A worker of build `buildId` in deployment `gcsync`, every workflow pinned by default. */
  const startWorker = async (buildId: string, workflowsFile: string) => {
    const worker = await Worker.create({
      connection,
      taskQueue: TASK_QUEUE,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve(workflowsFile), logger: quietBundler }),
      workerDeploymentOptions: {
        version: { deploymentName: DEPLOYMENT, buildId },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'PINNED',
      },
    });
    const running = worker.run();
    return async () => {
      worker.shutdown();
      await running;
    };
  };
  /** The server only knows a version once its worker has polled, so the switch is retried until then. */
  const setCurrentVersion = async (buildId: string): Promise<void> => {
    const args = [
      'worker',
      'deployment',
      'set-current-version',
      '--deployment-name',
      DEPLOYMENT,
      '--build-id',
      buildId,
    ];
    for (let attempt = 1; ; attempt += 1) {
      try {
        temporal(...args, '--yes');
        log(`temporal ${args.join(' ')}: ok`);
        return;
      } catch (err) {
        if (attempt === 60) throw err;
        await sleep(500);
      }
    }
  };
  const versionOf = async (workflowId: string): Promise<string> => {
    const info = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo;
    const version = info?.deploymentVersion;
    return `${BEHAVIOURS[info?.behavior ?? 0]} on ${version?.deploymentName}:${version?.buildId}`;
  };
  const start = (workflowId: string) => client.workflow.start('waiter', { taskQueue: TASK_QUEUE, workflowId });

  try {
    const stopV1 = await startWorker('v1', './worker-versioning/workflow-v1');
    await setCurrentVersion('v1');
    await start('run-a');
    await start('run-b');
    await sleep(1_500); // let v1 take each run's first task
    log(`run-a: ${await versionOf('run-a')}; run-b: ${await versionOf('run-b')}`);

    const stopV2 = await startWorker('v2', './worker-versioning/workflow-v2');
    await setCurrentVersion('v2');
    await start('run-c');
    await sleep(1_500);
    log(`run-c: ${await versionOf('run-c')}`);

    for (const id of ['run-a', 'run-c']) await client.workflow.getHandle(id).signal('go');
    log(`run-a finished by build ${await client.workflow.getHandle('run-a').result()}`);
    log(`run-c finished by build ${await client.workflow.getHandle('run-c').result()}`);

    await stopV1();
    log('v1 workers stopped; run-b (pinned to v1) gets its signal');
    await client.workflow.getHandle('run-b').signal('go');
    await sleep(5_000);
    const runB = await client.workflow.getHandle('run-b').describe();
    log(`run-b 5 s later: ${runB.status.name}, ${await versionOf('run-b')}`);
    console.log(temporal('worker', 'deployment', 'describe', '--name', DEPLOYMENT).trim());
    await stopV2();
  } finally {
    await Promise.allSettled([clientConnection.close(), connection.close()]);
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
