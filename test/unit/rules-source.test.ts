/**
 * `loadRules` reads only what it should: regular rules files, size-capped, real paths confined to
 * GCSYNC_RULES_DIR; without a folder only absolute paths to ordinary files. Every refusal is a
 * RulesValidationError, and a refusal never tells whether a file outside the allowed places exists.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../activities/deps';
import { makePrepareRun } from '../../activities/prepare-run';
import { loadRules, type RulesSourceDeps } from '../../activities/rules-source';
import { RulesValidationError } from '../../src/core/rules-validate';
import { BlobNotFoundError } from '../../src/store/errors';

const RULES = 'version: 1\ngroups:\n  - group: A\n    include: { department: Sales }\n';
let root: string;
let folder: string;
let outside: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gcsync-source-'));
  folder = join(root, 'rules');
  outside = join(root, 'outside');
  mkdirSync(folder);
  mkdirSync(outside);
  writeFileSync(join(folder, 'ok.yaml'), RULES);
  writeFileSync(join(outside, 'secret.yaml'), 'version: 1\nshadow: "root:x"\n');
  writeFileSync(join(folder, 'big.yaml'), `# ${'x'.repeat(600 * 1024)}\n${RULES}`);
  symlinkSync(join(outside, 'secret.yaml'), join(folder, 'link.yaml'));
  symlinkSync(join(outside, 'nothing-here.yaml'), join(folder, 'dangling.yaml'));
  symlinkSync('/dev/zero', join(folder, 'zero.yaml'));
  symlinkSync('/proc/self/environ', join(outside, 'environ.yaml'));
  symlinkSync('ok.yaml', join(folder, 'alias.yaml'));
  execFileSync('mkfifo', [join(folder, 'fifo.yaml')]);
  execFileSync('mkfifo', [join(outside, 'fifo.yaml')]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const blobs = {
  get: (key: string) => {
    if (key === 'rules/v1') return Promise.resolve({ version: 1, groups: [{ group: 'B', include: { userId: 'u' } }] });
    return Promise.reject(new BlobNotFoundError(key));
  },
} as unknown as ActivityDeps['blobs'];
const inFolder = (): RulesSourceDeps => ({ blobs, rulesDir: folder });
const noFolder: RulesSourceDeps = { blobs };

async function refusal(rulesRef: string, deps: RulesSourceDeps): Promise<string> {
  const started = Date.now();
  let error: unknown;
  try {
    await loadRules({ mode: 'plan', rulesRef }, deps, {});
  } catch (err) {
    error = err;
  }
  expect(Date.now() - started).toBeLessThan(2000);
  expect(error).toBeInstanceOf(RulesValidationError);
  const message = (error as RulesValidationError).message;
  expect(message).toMatch(/^input: rulesRef: /);
  return message;
}

describe('with GCSYNC_RULES_DIR', () => {
  it('reads a rules file inside the folder, by relative or absolute path, and through a link that stays inside', async () => {
    for (const ref of ['ok.yaml', join(folder, 'ok.yaml'), 'alias.yaml']) {
      expect((await loadRules({ mode: 'plan', rulesRef: ref }, inFolder(), {})).groups[0].group).toBe('A');
    }
  });

  it('refuses a symbolic link leading out of the folder, with the same words as a missing file', async () => {
    const link = await refusal('link.yaml', inFolder());
    const dangling = await refusal('dangling.yaml', inFolder());
    const missing = await refusal('missing.yaml', inFolder());
    expect(link).toBe(
      'input: rulesRef: link.yaml: no readable rules file there inside the rules folder GCSYNC_RULES_DIR',
    );
    expect(dangling.replace('dangling', 'X')).toBe(link.replace('link', 'X'));
    expect(missing.replace('missing', 'X')).toBe(link.replace('link', 'X'));
    expect(link).not.toContain('root:x');
  });

  it('refuses paths outside the folder without looking at them', async () => {
    for (const ref of ['/etc/passwd', '../outside/secret.yaml', join(outside, 'secret.yaml')]) {
      expect(await refusal(ref, inFolder())).toContain('is outside the rules folder GCSYNC_RULES_DIR');
    }
  });

  it('refuses /dev/zero behind a link, a FIFO (without blocking) and an over-size file', async () => {
    expect(await refusal('zero.yaml', inFolder())).toContain('no readable rules file there');
    expect(await refusal('fifo.yaml', inFolder())).toBe('input: rulesRef: fifo.yaml: not a regular file');
    expect(await refusal('big.yaml', inFolder())).toBe('input: rulesRef: big.yaml: larger than 524288 bytes (512 KiB)');
  });

  it('refuses names that are not rules files', async () => {
    writeFileSync(join(folder, 'notes.txt'), RULES);
    expect(await refusal('notes.txt', inFolder())).toBe(
      'input: rulesRef: notes.txt: a rules file must be named *.yaml, *.yml or *.json',
    );
  });
});

describe('without GCSYNC_RULES_DIR (the default)', () => {
  it('reads an absolute path to an ordinary rules file (schedules and operator tools)', async () => {
    expect((await loadRules({ mode: 'plan', rulesRef: join(folder, 'ok.yaml') }, noFolder, {})).groups).toHaveLength(1);
  });

  it('reads the operator GCSYNC_RULES_FILE when the input names none', async () => {
    const env = { GCSYNC_RULES_FILE: join(folder, 'ok.yaml') };
    expect((await loadRules({ mode: 'plan' }, noFolder, env)).groups[0].group).toBe('A');
  });

  it('refuses relative paths, devices, /proc, FIFOs and files that are not rules files', async () => {
    expect(await refusal('ok.yaml', noFolder)).toContain('must be an absolute path');
    for (const ref of ['/dev/zero', '/etc/shadow', '/proc/self/environ']) {
      expect(await refusal(ref, noFolder)).toContain('a rules file must be named *.yaml, *.yml or *.json');
    }
    const expected = 'no readable rules file there (missing, unreadable, or not a regular file)';
    expect(await refusal(join(outside, 'environ.yaml'), noFolder)).toContain(expected);
    expect(await refusal(join(outside, 'fifo.yaml'), noFolder)).toContain(expected);
    expect(await refusal('/proc/1/x.yaml', noFolder)).toContain(expected);
    expect(await refusal(join(folder, 'big.yaml'), noFolder)).toContain(expected);
    expect(await refusal(join(outside, 'missing.yaml'), noFolder)).toContain(expected);
  });
});

describe('blob references', () => {
  it('reads stored rules', async () => {
    expect((await loadRules({ mode: 'plan', rulesRef: 'blob:rules/v1' }, noFolder, {})).groups[0].group).toBe('B');
  });

  it.each(['blob:../..', 'blob:', 'blob:a//b', 'blob:runs/../x'])(
    'refuses the key in %s as a rules error',
    async (ref) => {
      expect(await refusal(ref, noFolder)).toContain('invalid blob key');
    },
  );

  it('reports a missing blob as a rules error', async () => {
    expect(await refusal('blob:rules/none', noFolder)).toContain('no rules are stored under blob:rules/none');
  });

  it('makes prepareRun end the run as invalid rules (no retry)', async () => {
    const prepare = makePrepareRun({ blobs } as unknown as ActivityDeps);
    const result = await prepare({
      ctx: { workflowId: 'w', runId: 'r' },
      input: { mode: 'plan', rulesRef: 'blob:../..' },
    });
    expect(result).toMatchObject({ ok: false, kind: 'invalid-rules' });
  });
});
