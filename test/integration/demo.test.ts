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

function childPids(): string[] {
  // Every process whose command line names this demo's scratch folder (the dev server gets it as --db-filename).
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir) && !line.includes(' ps '));
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
