/**
 * The `gcsync` binary end to end against the real workflow: plan exit codes (2 = changes, 0 = in sync after an
 * apply), run --wait, list, status, and audit verify on the log the runs wrote.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getStatus, waitForResult } from '../../src/client/reconciliation-client';
import { RULES_YAML, SUPPORT_GROUP, startReconcileStack, type ReconcileStack } from '../support/operator-stack';
import { waitFor } from '../support/reconciler';
import { runGcsync, stackCliEnv, type CliResult } from '../support/gcsync-cli';

let stack: ReconcileStack;
beforeAll(async () => (stack = await startReconcileStack()));
afterAll(() => stack?.stop());

const gcsync = (...args: string[]): Promise<CliResult> => runGcsync(args, stackCliEnv(stack));

describe('gcsync CLI', () => {
  it('plan --detailed-exitcode exits 2 with a per-group diff while the groups drift from the rules', async () => {
    const res = await gcsync('plan', '--rules', stack.rulesFile, '--target', SUPPORT_GROUP, '--detailed-exitcode');
    expect(res.code).toBe(2);
    expect(res.stdout).toContain(SUPPORT_GROUP);
    expect(res.stdout).toMatch(new RegExp(`\\+${stack.expectedMembers(SUPPORT_GROUP).length} to add`));
  });

  it('plan --json prints the plan and exits 0 without --detailed-exitcode', async () => {
    const res = await gcsync('plan', '--rules', stack.rulesFile, '--json');
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.stdout);
    expect(plan).toMatchObject({ status: 'planned', workflowId: expect.stringMatching(/^gcsync-plan-/) });
    expect(plan.groups.length).toBe(2);
  });

  it('plan exits 1 and names the field for an invalid rules file, before starting anything', async () => {
    const bad = join(stack.dir, 'bad.yaml');
    writeFileSync(
      bad,
      'version: 1\ngroups:\n  - group: X\n    mode: sometimes\n    include:\n      department: Sales\n',
    );
    const res = await gcsync('plan', '--rules', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('groups[0].mode');
  });

  it('run --wait applies and exits 0; the next plan exits 0', async () => {
    const run = await gcsync('run', '--rules', stack.rulesFile, '--wait');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^completed: \+\d+ added/m);
    expect(stack.membersOf(SUPPORT_GROUP)).toEqual(stack.expectedMembers(SUPPORT_GROUP));

    const plan = await gcsync('plan', '--rules', stack.rulesFile);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('no changes');
  });

  it('run --no-wait prints the id; status and list show the run', async () => {
    const started = await gcsync('run', '--rules', stack.rulesFile, '--no-wait', '--json');
    expect(started.code).toBe(0);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };

    const status = await gcsync('status', workflowId, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workflowId });

    const list = await gcsync('list', '--json', '--limit', '50');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { workflowId: string }[]).map((r) => r.workflowId)).toContain(workflowId);
    // Let it finish, so it cannot undo the drift the next test creates.
    await waitForResult(stack.temporal.client, workflowId);
  });

  it('approve without --digest uses the current digest and says so; the run then applies', async () => {
    const rules = join(stack.dir, 'always.yaml');
    writeFileSync(rules, RULES_YAML.replace('requireApproval: never', 'requireApproval: always'));
    // Drift one member out so the plan has something to approve.
    const support = stack.reconciler.emulator.state.listGroups().find((g) => g.name === SUPPORT_GROUP)!;
    stack.reconciler.emulator.state.externalEdit(support, [], [stack.expectedMembers(SUPPORT_GROUP)[0]]);

    const started = await gcsync('run', '--rules', rules, '--no-wait', '--json');
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    const waiting = await waitFor(
      () => getStatus(stack.temporal.client, workflowId),
      (s) => s.awaitingApproval,
    );

    const approved = await gcsync('approve', workflowId, '--by', 'alice');
    expect(approved.code).toBe(0);
    expect(approved.stderr).toContain(
      `No --digest given: approving the run's current plan digest ${waiting.planDigest} (read from its status).`,
    );
    expect((await waitForResult(stack.temporal.client, workflowId)).status).toBe('completed');
    expect(stack.membersOf(SUPPORT_GROUP)).toEqual(stack.expectedMembers(SUPPORT_GROUP));
  });

  it('reject refuses a run that is not waiting for approval', async () => {
    const started = await gcsync('run', '--rules', stack.rulesFile, '--no-wait', '--json');
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    await waitForResult(stack.temporal.client, workflowId);
    const res = await gcsync('reject', workflowId, '--by', 'bob', '--reason', 'late');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the run is not awaiting approval');
  });

  it('audit verify checks the chain the runs wrote', async () => {
    const res = await gcsync('audit', 'verify');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Audit chain intact: \d+ entries/);
  });
});
