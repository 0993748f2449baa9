/**
 * `gcsync worker` as operators run it: against a bare dev server (no custom search attributes) it registers them
 * through the operator API, prints its configuration with secrets masked, serves Prometheus metrics with gcsync's
 * own counters, executes runs started by `gcsync run`, and drains and exits 0 on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { genesysEnvFor, startEmulator, type RunningEmulator } from '../../src/emulator';
import { findFreePort } from '../../src/temporal/free-port';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor } from '../support/reconciler';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const BIN = resolve(__dirname, '..', '..', 'bin', 'gcsync.js');
let temporal: TestTemporal;
let emulator: RunningEmulator;
let worker: ChildProcessWithoutNullStreams | undefined;
let dir: string;
let workerOut = '';

beforeAll(async () => {
  temporal = await startTestTemporal(); // deliberately no search attributes: the worker must add them
  emulator = await startEmulator({ quiet: true, users: 150, groups: 3, seed: 4, rateLimitPerMinute: 0 });
  dir = mkdtempSync(join(tmpdir(), 'gcsync-worker-'));
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await emulator?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('registers search attributes, masks secrets, serves metrics, runs a reconciliation and stops on SIGTERM', async () => {
  const before = await temporal.connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
  expect(Object.keys(before.customAttributes ?? {})).not.toContain('GcsyncPhase');

  const metricsPort = await findFreePort();
  const taskQueue = temporal.taskQueue('gcsync');
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    GCSYNC_TASK_QUEUE: taskQueue,
    ...genesysEnvFor(emulator),
    GCSYNC_DATA_DIR: join(dir, 'data'),
    AUDIT_FILE: join(dir, 'audit.jsonl'),
    DATABASE_URL: '',
    SCIM_BASE_URL: '',
  };
  worker = spawn(process.execPath, [BIN, 'worker', '--metrics', `127.0.0.1:${metricsPort}`], { env });
  worker.stdout.on('data', (d: Buffer) => (workerOut += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (workerOut += d.toString()));
  await waitFor(
    async () => workerOut,
    (out) => out.includes('worker running'),
    60_000,
  );
  expect(workerOut).toContain('genesys client secret: ****');
  expect(workerOut).not.toContain(emulator.state.options.clientSecret);
  const after = await temporal.connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
  for (const name of Object.keys(CUSTOM_SEARCH_ATTRIBUTES))
    expect(Object.keys(after.customAttributes ?? {})).toContain(name);

  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rulesFor(emulator));
  const run = await new Promise<{ code: number | null; out: string }>((done) => {
    const cli = spawn(process.execPath, [BIN, 'run', '--rules', rulesFile, '--wait'], { env });
    let out = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (out += d.toString()));
    cli.on('close', (code) => done({ code, out }));
  });
  expect(run).toMatchObject({ code: 0 });
  expect(run.out).toMatch(/completed: \+\d+ added, -\d+ removed/);
  for (const [groupId, want] of expectedMembers(emulator)) {
    expect(emulator.state.groupMembers(groupId).slice().sort()).toEqual(want);
  }

  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(metrics).toMatch(/gcsync_membership_changes\S*\{[^}]*op="add"[^}]*\} [1-9]/);
  expect(metrics).toMatch(/temporal_/); // the SDK runtime's own metrics share the endpoint

  const exited = new Promise<number | null>((done) => worker!.on('close', done));
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(workerOut).toContain('worker stopped');
  worker = undefined;
});
