/**
 * `gcsync worker` as operators run it: against a bare dev server (no custom search attributes) it refuses to start
 * and names `gcsync admin register-search-attributes`, which adds them through the operator API; then it prints its
 * configuration with secrets masked, serves Prometheus metrics with gcsync's
 * own counters, executes runs started by `gcsync run`, and drains and exits 0 on SIGTERM. Started before
 * Temporal is reachable, it retries the connection and comes up once Temporal does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
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
  temporal = await startTestTemporal(); // deliberately no search attributes: the admin command must add them
  emulator = await startEmulator({ quiet: true, users: 150, groups: 3, seed: 4, rateLimitPerMinute: 0 });
  dir = mkdtempSync(join(tmpdir(), 'gcsync-worker-'));
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await emulator?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI to the end with `env`, collecting stdout and stderr together. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const cli = spawn(process.execPath, [BIN, ...args], { env });
    let out = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (out += d.toString()));
    cli.on('close', (code) => done({ code, out }));
  });
}

it('refuses to start without the search attributes, naming the admin command that registers them', async () => {
  const before = await temporal.connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
  expect(Object.keys(before.customAttributes ?? {})).not.toContain('GcsyncPhase');
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    GCSYNC_TASK_QUEUE: temporal.taskQueue('refused'),
    ...genesysEnvFor(emulator),
    GCSYNC_DATA_DIR: join(dir, 'data-refused'),
    AUDIT_FILE: join(dir, 'audit-refused.jsonl'),
    DATABASE_URL: '',
    SCIM_BASE_URL: '',
  };

  const refused = await runCli(['worker'], env);
  expect(refused.code).toBe(1);
  expect(refused.out).toContain(
    `namespace ${temporal.namespace} lacks the search attribute(s) GcsyncPhase, GcsyncAwaitingApproval, GcsyncPlanDigest; ` +
      'register them once with `gcsync admin register-search-attributes`',
  );
  expect(refused.out).not.toContain('worker running');

  const registered = await runCli(['admin', 'register-search-attributes'], env);
  expect(registered).toEqual({
    code: 0,
    out: `Registered in namespace ${temporal.namespace}: GcsyncPhase, GcsyncAwaitingApproval, GcsyncPlanDigest\n`,
  });
  const again = await runCli(['admin', 'register-search-attributes'], env);
  expect(again.out).toBe(
    `Namespace ${temporal.namespace} already has GcsyncPhase, GcsyncAwaitingApproval, GcsyncPlanDigest; nothing to do.\n`,
  );
  const after = await temporal.connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
  for (const name of Object.keys(CUSTOM_SEARCH_ATTRIBUTES))
    expect(Object.keys(after.customAttributes ?? {})).toContain(name);
});

it('masks secrets, serves metrics, runs a reconciliation and stops on SIGTERM', async () => {
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
  expect(workerOut).toContain('tracing: off');

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
  expect(run.out).toMatch(/completed: (\+\d+|0) added, (-\d+|0) removed/);
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

/** Spawns `gcsync worker` against `temporalAddress`, collecting its output. */
function spawnWorker(temporalAddress: string): { child: ChildProcessWithoutNullStreams; out: () => string } {
  let out = '';
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: temporal.namespace,
      GCSYNC_TASK_QUEUE: temporal.taskQueue('late'),
      ...genesysEnvFor(emulator),
      GCSYNC_DATA_DIR: join(dir, 'data-late'),
      AUDIT_FILE: join(dir, 'audit-late.jsonl'),
      DATABASE_URL: '',
      SCIM_BASE_URL: '',
      GCSYNC_METRICS_ADDRESS: '',
    },
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

/** A TCP forwarder to the test Temporal, started late on a fixed port: "Temporal comes up". */
function forwardTo(port: number, target: string): Promise<Server> {
  const [host, targetPort] = target.split(':');
  const server = createServer((socket) => {
    const upstream = connect(Number(targetPort), host);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((ready) => server.listen(port, '127.0.0.1', () => ready(server)));
}

it('started while Temporal is unreachable, retries with a log line and connects once Temporal comes up', async () => {
  const port = await findFreePort();
  const late = spawnWorker(`127.0.0.1:${port}`);
  let proxy: Server | undefined;
  try {
    await waitFor(
      async () => late.out(),
      (out) => out.includes(`cannot reach Temporal at 127.0.0.1:${port}`),
      60_000,
    );
    await waitFor(
      async () => late.out(),
      (out) => (out.match(/cannot reach Temporal/g) ?? []).length >= 2,
      30_000,
    );
    expect(late.child.exitCode).toBeNull(); // still running, not exited 1
    proxy = await forwardTo(port, temporal.address);
    await waitFor(
      async () => late.out(),
      (out) => out.includes('worker running'),
      90_000,
    );
    expect(late.out()).toMatch(/connected to Temporal at 127\.0\.0\.1:\d+ after \d+ attempts/);
    const exited = new Promise<number | null>((done) => late.child.on('close', done));
    late.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    late.child.kill('SIGKILL');
    proxy?.close();
  }
});

it('stops cleanly on SIGTERM while still waiting for Temporal', async () => {
  const port = await findFreePort();
  const late = spawnWorker(`127.0.0.1:${port}`);
  try {
    await waitFor(
      async () => late.out(),
      (out) => out.includes('cannot reach Temporal'),
      60_000,
    );
    const exited = new Promise<number | null>((done) => late.child.on('close', done));
    late.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(late.out()).toContain('worker stopped before connecting');
  } finally {
    late.child.kill('SIGKILL');
  }
});
