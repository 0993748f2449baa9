import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTemporalCli } from '../../src/temporal/cli-binary';
import { DevServerStartError, startDevServer } from '../../src/temporal/dev-server';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

/** True while a process with this pid exists (signal 0 only checks). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Set here as well as in jest.config.js: Jest 30 ignores `testTimeout` inside a `projects` entry.
jest.setTimeout(120_000);

describe('Temporal dev server', () => {
  let temporal: TestTemporal | undefined;

  afterAll(async () => {
    await temporal?.stop();
  });

  it('starts on loopback, registers the namespace and search attribute, and stops without strays', async () => {
    const started = Date.now();
    temporal = await startTestTemporal({
      namespace: 'gcsync-test',
      searchAttributes: { GcsyncPhase: 'Keyword', GcsyncRemovals: 'Int' },
    });
    const readyMs = Date.now() - started;
    process.stderr.write(`[temporal-dev-server.test] dev server ready in ${readyMs} ms\n`);

    const server = temporal.server;
    expect(server).toBeDefined();
    if (!server) return;
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.uiUrl).toBeUndefined();
    expect(isAlive(server.pid)).toBe(true);

    const service = temporal.client.connection.workflowService;
    const described = await service.describeNamespace({ namespace: 'gcsync-test' });
    expect(described.namespaceInfo?.name).toBe('gcsync-test');

    const listed = await temporal.client.connection.operatorService.listSearchAttributes({ namespace: 'gcsync-test' });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['GcsyncPhase', 'GcsyncRemovals']),
    );

    expect(temporal.taskQueue('x')).not.toEqual(temporal.taskQueue('x'));

    await temporal.stop();
    await temporal.stop(); // idempotent
    // The 'exit' event fires when the process is reaped, so the pid must be gone right away; allow a beat anyway.
    for (let i = 0; i < 20 && isAlive(server.pid); i++) await sleep(50);
    expect(isAlive(server.pid)).toBe(false);
  });

  it('fails fast with the server output when its port is taken', async () => {
    const cli = await findTemporalCli();
    if (cli.source === 'sdk-download') return; // nothing of ours to spawn on such a machine
    // Drop connections at once: a peer that accepts but never speaks HTTP/2 keeps a half-open gRPC socket alive.
    const blocker = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const failure = startDevServer({ cliPath: cli.path, port, readyTimeoutMs: 30_000 });
      await expect(failure).rejects.toThrow(DevServerStartError);
      await expect(failure).rejects.toThrow(/address already in use/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it.each([
    ['exits without stopping it', 'exit', 'SIGTERM'],
    ['is killed with SIGKILL', 'wait', 'SIGKILL'],
  ] as const)('kills the server when the parent process %s', async (_label, mode, signal) => {
    const cli = await findTemporalCli();
    if (cli.source === 'sdk-download') return;
    const fixture = path.join(__dirname, '../support/temporal-orphan-fixture.ts');
    const parent = spawn(process.execPath, ['--import', 'tsx', fixture, mode], {
      env: { ...process.env, TEMPORAL_CLI_PATH: cli.path },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const serverPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { pid: number }).pid);
      });
      parent.once('exit', (code) => (out.includes('{') ? undefined : reject(new Error(`fixture exited ${code}`))));
    });
    try {
      if (parent.exitCode === null) parent.kill(signal);
      for (let i = 0; i < 60 && isAlive(serverPid); i++) await sleep(100);
      expect(isAlive(serverPid)).toBe(false);
    } finally {
      if (isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  });
});
