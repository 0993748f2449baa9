/**
 * What an operator sees when the stack is incomplete: Temporal unreachable → the command fails and says how to start
 * a dev server; no worker polling the task queue → a followed run ends after the bounded wait with the pollers hint,
 * and the run is ended rather than left to start whenever a worker appears.
 */
import { join } from 'node:path';
import { findFreePort } from '../../src/temporal/free-port';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { runGcsync, type CliResult } from '../support/gcsync-cli';

const ROOT = join(__dirname, '..', '..');
let temporal: TestTemporal;

beforeAll(async () => {
  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
});
afterAll(() => temporal?.stop());

const gcsync = (env: Record<string, string>, ...args: string[]): Promise<CliResult> => runGcsync(args, env, ROOT);

it('Temporal unreachable: the command fails naming the address and how to start a dev server', async () => {
  // A free port nobody listens on.
  const address = `127.0.0.1:${await findFreePort()}`;
  const res = await gcsync({ TEMPORAL_ADDRESS: address }, 'status', 'gcsync-apply-x');
  expect(res.code).toBe(1);
  expect(res.stderr).toContain(`cannot connect to Temporal at ${address} (TEMPORAL_ADDRESS)`);
  expect(res.stderr).toMatch(/Start one on this machine: .*temporal.* server start-dev/);
  expect(res.stderr).toContain('npx gcsync demo --interactive');
});

it('no worker polls the task queue: plan ends with the pollers hint and the run is terminated', async () => {
  const taskQueue = `nobody-polls-${Date.now().toString(36)}`;
  const res = await gcsync(
    { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, GCSYNC_TASK_QUEUE: taskQueue },
    'plan',
    '--rules',
    'examples/rules.yaml',
  );
  expect(res.code).toBe(1);
  expect(res.stderr).toContain(`no worker is polling task queue "${taskQueue}"`);
  expect(res.stderr).toContain(`task-queue describe --task-queue ${taskQueue} --address ${temporal.address}`);
  expect(res.stderr).toMatch(
    /Start one \(with your GENESYS_\* settings\): .*GCSYNC_TASK_QUEUE=nobody-polls-\S+ npx gcsync worker/,
  );
  const workflowId = /nothing picked up run (\S+) within/.exec(res.stderr)?.[1];
  expect(workflowId).toBeDefined();
  const described = await temporal.client.workflow.getHandle(workflowId!).describe();
  expect(described.status.name).toBe('TERMINATED');
});
