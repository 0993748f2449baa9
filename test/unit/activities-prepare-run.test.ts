/**
 * `prepareRun` refuses rules references outside `GCSYNC_RULES_DIR` (an HTTP caller or a schedule must not make
 * the worker read arbitrary files) and reports unreadable rules as invalid, before touching Genesys.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../activities/deps';
import { makePrepareRun } from '../../activities/prepare-run';

const dir = mkdtempSync(join(tmpdir(), 'gcsync-rules-'));
writeFileSync(join(dir, 'ok.yaml'), 'version: 1\ngroups:\n  - group: A\n    include: { department: Sales }\n');
const untouchable = new Proxy(
  {},
  {
    get: () => {
      throw new Error('must not be reached');
    },
  },
);
const deps = { rulesDir: dir, directory: untouchable, blobs: untouchable } as unknown as ActivityDeps;
const ctx = { workflowId: 'w', runId: 'r' };
const prepare = makePrepareRun(deps);

it.each(['/etc/passwd', '../outside.yaml', join(dir, '..', 'x.yaml')])(
  'refuses rulesRef %s outside the folder',
  async (ref) => {
    const result = await prepare({ ctx, input: { mode: 'plan', rulesRef: ref } });
    expect(result).toMatchObject({ ok: false, kind: 'invalid-rules' });
    expect(result.ok || result.message).toContain('outside the rules folder GCSYNC_RULES_DIR');
  },
);

it('reads a rules file inside the folder (and only then asks Genesys for groups)', async () => {
  await expect(prepare({ ctx, input: { mode: 'plan', rulesRef: 'ok.yaml' } })).rejects.toThrow('must not be reached');
});

it('reports a missing rules file as invalid rules, naming it', async () => {
  const result = await prepare({ ctx, input: { mode: 'plan', rulesRef: 'missing.yaml' } });
  expect(result).toMatchObject({ ok: false, kind: 'invalid-rules' });
  expect(result.ok || result.message).toContain('missing.yaml');
});
