/**
 * `gcsync revert` end to end (the real binary against the real workflow): a run approved by one person is reverted
 * with `--plan` first, then for real with `--approve-as`; the groups are back as before the run, a second revert has
 * nothing left to undo, and an unknown run is refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getStatus, waitForResult } from '../../src/client/reconciliation-client';
import {
  RULES_YAML,
  SALES_GROUP,
  SUPPORT_GROUP,
  startReconcileStack,
  type ReconcileStack,
} from '../support/operator-stack';
import { waitFor } from '../support/reconciler';
import { runGcsync, stackCliEnv, type CliResult } from '../support/gcsync-cli';

let stack: ReconcileStack;
let rulesFile: string;
let runId: string;
let before: Record<string, string[]>;
beforeAll(async () => {
  stack = await startReconcileStack();
  rulesFile = join(stack.dir, 'always.yaml');
  writeFileSync(rulesFile, RULES_YAML.replace('requireApproval: never', 'requireApproval: always'));
  // Someone outside the Support department was added by hand: the run removes them, the revert puts them back.
  const { state } = stack.reconciler.emulator;
  const outsider = state.listUsers().find((u) => u.state === 'active' && u.department !== 'Support')!;
  const support = state.listGroups().find((g) => g.name === SUPPORT_GROUP)!;
  state.externalEdit(support, [outsider.id], []);
});
afterAll(() => stack?.stop());

const membership = () => ({
  [SUPPORT_GROUP]: stack.membersOf(SUPPORT_GROUP),
  [SALES_GROUP]: stack.membersOf(SALES_GROUP),
});

const gcsync = (...args: string[]): Promise<CliResult> => runGcsync(args, stackCliEnv(stack));

it('a run approved by alice changes both groups', async () => {
  before = membership();
  expect(before[SUPPORT_GROUP]).toHaveLength(1);
  const started = await gcsync('run', '--rules', rulesFile, '--no-wait', '--json');
  expect(started.code).toBe(0);
  runId = JSON.parse(started.stdout).workflowId;
  await waitFor(
    () => getStatus(stack.temporal.client, runId),
    (s) => s.awaitingApproval,
  );
  expect((await gcsync('approve', runId, '--by', 'alice')).code).toBe(0);
  expect((await waitForResult(stack.temporal.client, runId)).status).toBe('completed');
  expect(membership()).not.toEqual(before);
});

it('revert --plan shows the inverse, member by member, and changes nothing', async () => {
  const applied = membership();
  const res = await gcsync('revert', runId, '--plan');
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/\+ .+ {2}revert: removed by the reverted run$/m);
  expect(res.stdout).toMatch(/- .+ {2}revert: added by the reverted run$/m);
  expect(res.stdout).toContain('gcsync run would wait for approval:');
  expect(membership()).toEqual(applied);
});

it('revert --approve-as puts both groups back as they were before the run', async () => {
  const res = await gcsync('revert', runId, '--approve-as', 'bob', '--comment', 'INC-42');
  expect(res.stderr).toContain('(--approve-as)');
  expect(res.stdout).toMatch(/^completed: \+1 added, -\d+ removed across 2 groups/m);
  expect(res.code).toBe(0);
  expect(membership()).toEqual(before);
  const granted = (await stack.reconciler.auditEntries()).find(
    (e) => e.type === 'approval.granted' && e.actor === 'bob',
  );
  expect(granted).toMatchObject({
    comment: 'INC-42',
    via: 'cli',
    workflowId: expect.stringMatching(/^gcsync-revert-/),
  });
});

it('a second revert has nothing left to undo', async () => {
  const res = await gcsync('revert', runId);
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/^no-changes: /m);
  expect(res.stderr).toContain(`Nothing of ${runId} is still in place to undo.`);
});

it('an unknown run is refused: exit 1, the reason printed', async () => {
  const res = await gcsync('revert', 'gcsync-apply-nope');
  expect(res.code).toBe(1);
  expect(res.stdout).toContain('aborted: 0 added, 0 removed');
  expect(res.stdout).toContain('no run of workflow gcsync-apply-nope is in the audit log: nothing to revert');
});
