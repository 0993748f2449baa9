/**
 * CI smoke test of the production artifacts: `npm run build`, then the build output, package.json, the lockfile and
 * bin/ copied to an empty folder and installed there with `npm ci --omit=dev` (from the npm cache, the registry only
 * for what the cache lacks) and pruned to this platform's Temporal native core, as the image's build stage does. From that copy `gcsync --version` answers, the development-only
 * commands say so, and `gcsync worker` (on the prebuilt workflow bundle) with `gcsync run --wait` completes a run
 * against the emulator and a Temporal dev server, both started from this development checkout since production
 * ships neither.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { genesysEnvFor, startEmulator, type RunningEmulator } from '../../src/emulator';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor } from '../support/reconciler';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const ROOT = resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Exit {
  code: number | null;
  out: string;
}

/** Runs a command to completion, collecting stdout and stderr together. */
function run(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

let dir: string;
let app: string;
let temporal: TestTemporal | undefined;
let emulator: RunningEmulator | undefined;
let worker: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gcsync-production-'));
  app = join(dir, 'app');
  // The servers start while the build and the install run: three processes on a 2-core machine, not in sequence.
  const servers = Promise.all([
    startTestTemporal(),
    startEmulator({ quiet: true, users: 120, groups: 3, seed: 11, rateLimitPerMinute: 0 }),
  ]);
  try {
    // `npm ci` needs only package.json and the lockfile, so it runs beside the build; dist/ and bin/ follow.
    mkdirSync(app);
    for (const path of ['package.json', 'package-lock.json']) cpSync(join(ROOT, path), join(app, path));
    const [build, install] = await Promise.all([
      run('npm', ['run', 'build'], { cwd: ROOT }),
      run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
        cwd: app,
        env: { ...process.env, NODE_ENV: 'production' },
      }),
    ]);
    expect(build).toMatchObject({ code: 0 });
    expect(install).toMatchObject({ code: 0 });
    for (const path of ['dist', 'bin']) cpSync(join(ROOT, path), join(app, path), { recursive: true });
    // As the image's build stage does: keep only this platform's Temporal native core.
    const prune = await run(process.execPath, [join(ROOT, 'scripts', 'prune-native-prebuilds.mjs')], { cwd: app });
    expect(prune).toMatchObject({ code: 0 });
  } finally {
    [temporal, emulator] = await servers;
  }
}, 600_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await emulator?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const gcsync = (args: string[], env?: NodeJS.ProcessEnv) =>
  run(process.execPath, [join(app, 'bin', 'gcsync.js'), ...args], { cwd: app, env });

it('holds the compiled product and the workflow bundle, no sources, no test tooling', () => {
  expect(existsSync(join(app, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
  expect(existsSync(join(app, 'dist', 'workflow-bundle.js'))).toBe(true);
  expect(existsSync(join(app, 'src'))).toBe(false);
  for (const dev of ['dist/src/emulator', 'dist/src/demo', 'dist/src/temporal/dev-server.js']) {
    expect({ dev, present: existsSync(join(app, dev)) }).toEqual({ dev, present: false });
  }
  for (const pkg of ['tsx', 'jest', 'typescript', 'scimmy', 'playwright-core', '@temporalio/testing']) {
    expect({ pkg, installed: existsSync(join(app, 'node_modules', pkg)) }).toEqual({ pkg, installed: false });
  }
  expect(existsSync(join(app, 'node_modules', '@temporalio', 'worker'))).toBe(true);
  expect(readdirSync(join(app, 'node_modules', '@temporalio', 'core-bridge', 'releases'))).toHaveLength(1);
});

it('answers --version from the compiled CLI; emulator and demo say they are development-only', async () => {
  const [viaBin, viaMain, emulatorRun, demoRun] = await Promise.all([
    gcsync(['--version']),
    run(process.execPath, ['dist/src/cli/main.js', '--version'], { cwd: app }),
    gcsync(['emulator', '--port', '0']),
    gcsync(['demo', '--interactive']),
  ]);
  expect(viaBin).toEqual({ code: 0, out: `${VERSION}\n` });
  expect(viaMain).toEqual({ code: 0, out: `${VERSION}\n` });
  expect(emulatorRun.code).toBe(1);
  expect(emulatorRun.out).toContain('gcsync: emulator is development-only');
  expect(demoRun.code).toBe(1);
  expect(demoRun.out).toContain('gcsync: demo is development-only');
});

it('runs a worker on the prebuilt workflow bundle that completes a reconciliation', async () => {
  const t = temporal!;
  const e = emulator!;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_NAMESPACE: t.namespace,
    GCSYNC_TASK_QUEUE: t.taskQueue('production'),
    ...genesysEnvFor(e),
    GCSYNC_DATA_DIR: join(dir, 'data'),
    AUDIT_FILE: join(dir, 'audit.jsonl'),
    DATABASE_URL: '',
    SCIM_BASE_URL: '',
    GCSYNC_METRICS_ADDRESS: '',
  };
  let out = '';
  worker = spawn(process.execPath, [join(app, 'bin', 'gcsync.js'), 'worker'], { cwd: app, env });
  worker.stdout.on('data', (d: Buffer) => (out += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(
    async () => out,
    (o) => o.includes('worker running') || worker?.exitCode !== null,
    120_000,
  );
  expect(out).toContain(`workflows: prebuilt bundle ${join(app, 'dist', 'workflow-bundle.js')}`);
  expect(out).toContain('worker running');

  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rulesFor(e));
  const result = await gcsync(['run', '--rules', rulesFile, '--wait'], env);
  expect(result).toMatchObject({ code: 0 });
  expect(result.out).toMatch(/completed: \+\d+ added, -\d+ removed/);
  for (const [groupId, want] of expectedMembers(e)) {
    expect(e.state.groupMembers(groupId).slice().sort()).toEqual(want);
  }

  const exited = new Promise<number | null>((done) => worker!.on('close', done));
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);
  worker = undefined;
});
