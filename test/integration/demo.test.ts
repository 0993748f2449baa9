/**
 * The README's first command: `npm run demo` runs the whole product (emulator, dev server with UI, worker, plan,
 * approved apply, audit verification) and cleans up after itself. Run here through the same entry point
 * (`bin/gcsync.js demo`), in a scratch folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function childPids(folder: string = dir): string[] {
  // Every process whose command line names this demo's scratch folder (the dev server gets it as --db-filename).
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(folder) && !line.includes(' ps '));
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcsync-demo-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('plans, waits for approval, applies, verifies the audit chain and exits 0 with nothing left running', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gcsync.js'), 'demo', '--dir', dir], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));

  expect({ code, tail: out.slice(-3000) }).toMatchObject({ code: 0 });
  expect(out).toMatch(/Temporal Web UI\s+http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/Plan digest [0-9a-f]{64}/);
  expect(out).toContain('is waiting for approval');
  expect(out).toMatch(/completed: \+\d+ added, -\d+ removed/);
  expect(out).toMatch(/Approved by demo-operator/);
  expect(out).toMatch(
    new RegExp(
      `Audit log ${join(dir, 'audit.jsonl').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: chain intact, \\d+ entries`,
    ),
  );
  // No secret on the console.
  expect(out).not.toContain('gcsync-local-secret');
  expect(childPids()).toEqual([]);
});

it('interactive: the printed approve command works verbatim from another shell; the stack stays up until Ctrl-C', async () => {
  const interactiveDir = mkdtempSync(join(tmpdir(), 'gcsync-demo-i-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'gcsync-other-shell-'));
  try {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'gcsync.js'), 'demo', '--interactive', '--dir', interactiveDir],
      {
        cwd: ROOT,
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    let out = '';
    const seen = (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((found, failed) => {
        const look = () => {
          const match = out.match(pattern);
          if (match) {
            child.stdout.off('data', look);
            found(match);
          }
        };
        child.stdout.on('data', look);
        child.once('close', () => failed(new Error(`demo exited before printing ${pattern}:\n${out.slice(-3000)}`)));
        look();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((done) => child.on('close', done));

    const [, approveCommand] = await seen(/^ {2}Approve: {2}(.+)$/m);
    // Another shell: another folder, none of the demo's environment (no TEMPORAL_ADDRESS), no USER either.
    const shell = spawn('bash', ['-c', approveCommand], {
      cwd: elsewhere,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
    });
    let shellOut = '';
    shell.stdout.on('data', (d: Buffer) => (shellOut += d.toString()));
    shell.stderr.on('data', (d: Buffer) => (shellOut += d.toString()));
    const shellCode = await new Promise<number | null>((done) => shell.on('close', done));
    expect({ approveCommand, shellCode, shellOut }).toMatchObject({ shellCode: 0 });
    expect(shellOut).toContain('approved');

    await seen(/Press Ctrl-C to stop it\./);
    expect(out).toMatch(/completed: \+\d+ added/);
    expect(out).toMatch(/Approved by operator/);
    // Still up: the demo waits for Ctrl-C.
    expect(child.exitCode).toBeNull();
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(out).toContain('Done.');
    expect(childPids(interactiveDir)).toEqual([]);
  } finally {
    rmSync(interactiveDir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
