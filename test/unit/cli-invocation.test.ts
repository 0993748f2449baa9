/** Commands gcsync prints for the operator to paste into another shell: quoting, and how gcsync/temporal are run. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunStatus } from '../../workflows/messages';
import { gcsyncInvocation, onPath, temporalInvocation } from '../../src/cli/invocation';
import { formatApprovalHelp } from '../../src/cli/output/approval-help';
import { shellQuote } from '../../src/cli/output/shell-quote';

const ROOT = resolve(__dirname, '..', '..');

describe('shellQuote', () => {
  it('leaves safe words bare and single-quotes the rest', () => {
    expect(shellQuote('gcsync-apply-2026-12-06T04-00-00-abc')).toBe('gcsync-apply-2026-12-06T04-00-00-abc');
    expect(shellQuote('127.0.0.1:7233')).toBe('127.0.0.1:7233');
    expect(shellQuote('/a b/c')).toBe("'/a b/c'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});

describe('gcsyncInvocation', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'gcsync-path-'));
    writeFileSync(join(bin, 'gcsync'), '#!/bin/sh\n');
    chmodSync(join(bin, 'gcsync'), 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('runs npx gcsync inside the clone when gcsync is not on PATH', async () => {
    const emptyPath = { PATH: join(bin, 'nothing-here') };
    expect(await onPath('gcsync', emptyPath)).toBeUndefined();
    expect(await gcsyncInvocation({ TEMPORAL_ADDRESS: '127.0.0.1:40001' }, emptyPath)).toBe(
      `cd ${shellQuote(ROOT)} && TEMPORAL_ADDRESS=127.0.0.1:40001 npx gcsync`,
    );
  });

  it('runs gcsync by name when it is on PATH', async () => {
    expect(await gcsyncInvocation({ TEMPORAL_ADDRESS: '127.0.0.1:40001' }, { PATH: bin })).toBe(
      'TEMPORAL_ADDRESS=127.0.0.1:40001 gcsync',
    );
  });

  it('does not trust PATH under npx or npm run (npm put its bin folders there, not in the next shell)', async () => {
    expect(await gcsyncInvocation({}, { PATH: bin, npm_command: 'exec' })).toBe(`cd ${shellQuote(ROOT)} && npx gcsync`);
  });

  it('names the Temporal CLI by path unless PATH finds it', () => {
    expect(temporalInvocation({ path: '/usr/bin/temporal', source: 'path' })).toBe('temporal');
    expect(temporalInvocation({ path: '/home/x/.cache/t v/temporal', source: 'cache' })).toBe(
      "'/home/x/.cache/t v/temporal'",
    );
  });
});

describe('formatApprovalHelp with invocation', () => {
  const status: RunStatus = {
    phase: 'awaiting-approval',
    mode: 'apply',
    startedAt: '2026-12-06T04:00:00.000Z',
    planDigest: 'abc123',
    totals: { groups: 3, groupsChanged: 1, adds: 0, removes: 3 },
    awaitingApproval: true,
    approvalRequired: true,
    approvalReasons: ['removals 3 > maxRemovals 2'],
    refusedApprovals: [],
    progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
  };

  it('prints commands that run as they are: the prefix, the address, a real approver', () => {
    const text = formatApprovalHelp(status, {
      workflowId: 'w1',
      namespace: 'default',
      commands: {
        gcsync: "cd '/r' && TEMPORAL_ADDRESS=127.0.0.1:40001 npx gcsync",
        temporal: '/c/temporal',
        temporalAddress: '127.0.0.1:40001',
        by: '"${USER:-operator}"',
      },
    });
    expect(text.split('\n')).toEqual([
      'Run w1 is waiting for approval.',
      '  Why:      removals 3 > maxRemovals 2',
      '  Plan:     -3 to remove',
      `  Approve:  cd '/r' && TEMPORAL_ADDRESS=127.0.0.1:40001 npx gcsync approve w1 --by "\${USER:-operator}" --digest abc123`,
      `  Reject:   cd '/r' && TEMPORAL_ADDRESS=127.0.0.1:40001 npx gcsync reject w1 --by "\${USER:-operator}" --reason "<why>"`,
      '  Web UI:   open the workflow, "Send a Signal", name approve, input {"by":"<you>","planDigest":"abc123"}',
      `  Temporal: /c/temporal workflow signal --address 127.0.0.1:40001 --workflow-id w1 --name approve --input '{"by":"<you>","planDigest":"abc123"}'`,
    ]);
  });
});
