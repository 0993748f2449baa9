import type { PlanGroupSummary, ReconcileResult, RunStatus } from '../../workflows/messages';
import type { RunDescription } from '../../src/client/reconciliation-client';
import { formatApprovalHelp } from '../../src/cli/output/approval-help';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, planExitCode, runExitCode } from '../../src/cli/output/exit-codes';
import { formatGate, formatPlanDiff, formatPlanTotals, planDiffTotals } from '../../src/cli/output/plan-diff';
import { formatResult, formatRunDescription, formatRunList } from '../../src/cli/output/run-report';
import { formatFields, formatTable } from '../../src/cli/output/table';

const group = (over: Partial<PlanGroupSummary>): PlanGroupSummary => ({
  groupId: 'g',
  groupName: 'G',
  mode: 'exact',
  adds: 0,
  removes: 0,
  unchanged: 0,
  currentCount: 0,
  desiredCount: 0,
  ...over,
});

const result = (over: Partial<ReconcileResult>): ReconcileResult => ({
  status: 'completed',
  totals: { groups: 2, added: 0, removed: 0, failedGroups: 0 },
  groups: [],
  ...over,
});

const status = (over: Partial<RunStatus>): RunStatus => ({
  phase: 'awaiting-approval',
  mode: 'apply',
  startedAt: '2026-11-29T14:00:00.000Z',
  planDigest: 'sha256:abc',
  totals: { groups: 3, groupsChanged: 1, adds: 12, removes: 3 },
  awaitingApproval: true,
  approvalRequired: true,
  approvalReasons: ['removals 3 > maxRemovals 2'],
  approvalDeadline: '2026-11-30T14:00:00.000Z',
  refusedApprovals: [],
  progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
  ...over,
});

describe('exit codes (terraform -detailed-exitcode for plan)', () => {
  it.each([
    ['no-changes', EXIT_OK],
    ['planned', EXIT_CHANGES],
    ['aborted', EXIT_ERROR],
    ['completed', EXIT_ERROR],
    ['rejected', EXIT_ERROR],
    ['expired', EXIT_ERROR],
  ] as const)('plan %s → %i', (s, code) => {
    expect(planExitCode({ status: s })).toBe(code);
  });

  it('run: 0 only when everything was applied or nothing was needed', () => {
    expect(runExitCode(result({ status: 'completed' }))).toBe(0);
    expect(runExitCode(result({ status: 'no-changes' }))).toBe(0);
    expect(runExitCode(result({ totals: { groups: 2, added: 1, removed: 0, failedGroups: 1 } }))).toBe(1);
    for (const s of ['rejected', 'expired', 'aborted', 'planned'] as const) {
      expect(runExitCode(result({ status: s }))).toBe(1);
    }
  });
});

describe('formatTable / formatFields', () => {
  it('pads columns, right-aligns numbers, trims trailing spaces', () => {
    expect(
      formatTable(
        ['NAME', 'N'],
        [
          ['a', '1'],
          ['long name', '100'],
        ],
        ['left', 'right'],
      ),
    ).toBe(['NAME         N', 'a            1', 'long name  100'].join('\n'));
  });

  it('aligns labels and drops missing values', () => {
    expect(
      formatFields([
        ['Run', 'x'],
        ['Closed', undefined],
        ['Progress', '1/2'],
      ]),
    ).toBe('Run       x\nProgress  1/2');
  });
});

describe('plan diff', () => {
  const groups = [
    group({ groupName: 'Support Tier 1', adds: 12, removes: 3, unchanged: 140, currentCount: 143, desiredCount: 152 }),
    group({ groupName: 'Sales', mode: 'additive', unchanged: 20, currentCount: 20, desiredCount: 20 }),
  ];

  it('prints one line per group, marks changed groups, and totals', () => {
    expect(formatPlanDiff(groups)).toBe(
      [
        '   GROUP           MODE      ADD  REMOVE  UNCHANGED  MEMBERS',
        '~  Support Tier 1  exact     +12      -3        140  143 → 152',
        '   Sales           additive    0       0         20  20',
        '',
        '2 groups, 1 to change: +12 to add, -3 to remove, 160 unchanged.',
      ].join('\n'),
    );
  });

  it('sums totals', () => {
    expect(planDiffTotals(groups)).toEqual({ groups: 2, groupsChanged: 1, adds: 12, removes: 3, unchanged: 160 });
  });

  it('says when nothing changes', () => {
    expect(formatPlanTotals(planDiffTotals([groups[1]]))).toBe(
      '1 group, no changes: 20 members already match the rules.',
    );
    expect(formatPlanDiff([])).toBe('The plan has no groups.');
  });

  it('shows the member count after the run, not the rule result, for groups the rules do not own entirely', () => {
    const additive = group({
      groupName: 'Skilled',
      mode: 'additive',
      adds: 7,
      unchanged: 73,
      currentCount: 73,
      desiredCount: 69,
    });
    expect(formatPlanDiff([additive]).split('\n')[1]).toMatch(/73 → 80$/);
  });

  it('falls back to the group id when the name is empty', () => {
    expect(formatPlanDiff([group({ groupId: 'abc-123', groupName: '' })])).toContain('abc-123');
  });
});

describe('results and status', () => {
  it('prints the result line and the changed groups, failures marked', () => {
    const text = formatResult(
      result({
        totals: { groups: 3, added: 5, removed: 1, failedGroups: 1 },
        groups: [
          { groupId: 'g1', groupName: 'Support', added: 5, removed: 1, failed: false, scim: 'notified' },
          { groupId: 'g2', groupName: 'Sales', added: 0, removed: 0, failed: true, error: '403 missing group:write' },
        ],
      }),
    );
    expect(text.split('\n')).toEqual([
      'completed: +5 added, -1 removed across 3 groups, 1 group failed',
      '',
      '   GROUP    ADDED  REMOVED  SCIM      ERROR',
      '   Support     +5       -1  notified',
      '!  Sales        0        0            403 missing group:write',
    ]);
  });

  it('shows a waiting run with its plan and why it waits', () => {
    const run: RunDescription = {
      workflowId: 'gcsync-apply-1',
      runId: 'r1',
      executionStatus: 'RUNNING',
      startTime: '2026-11-29T14:00:00.000Z',
      status: status({}),
    };
    expect(formatRunDescription(run).split('\n')).toEqual([
      'Run       gcsync-apply-1 (run id r1)',
      'State     RUNNING, phase awaiting-approval, mode apply',
      'Started   2026-11-29T14:00:00.000Z',
      'Plan      digest sha256:abc, 3 groups, 1 to change, +12 -3',
      'Approval  waiting until 2026-11-30T14:00:00.000Z (removals 3 > maxRemovals 2)',
    ]);
  });

  it('names the run a revert reverts', () => {
    const run: RunDescription = {
      workflowId: 'gcsync-revert-1',
      runId: 'r2',
      executionStatus: 'RUNNING',
      startTime: 't',
      status: status({ revertOf: { workflowId: 'gcsync-apply-1', runId: 'r1' } }),
    };
    expect(formatRunDescription(run)).toMatch(/^Reverts +gcsync-apply-1\/r1$/m);
  });

  it('says when no worker answered the status query', () => {
    const run: RunDescription = {
      workflowId: 'w',
      runId: 'r',
      executionStatus: 'RUNNING',
      startTime: 't',
      statusError: 'deadline exceeded',
    };
    expect(formatRunDescription(run)).toMatch(
      /^Query +status query not answered \(deadline exceeded\); is a worker running\?$/m,
    );
  });

  it('lists runs', () => {
    expect(formatRunList([])).toBe('No runs found.');
    const text = formatRunList([
      {
        workflowId: 'gcsync-apply-1',
        runId: 'r',
        executionStatus: 'RUNNING',
        phase: 'awaiting-approval',
        awaitingApproval: true,
        startTime: '2026-11-29T14:00:00.000Z',
      },
    ]);
    expect(text.split('\n')[1]).toBe('gcsync-apply-1  RUNNING  awaiting-approval  awaiting  2026-11-29T14:00:00.000Z');
  });
});

describe('approval help', () => {
  it('gives the gcsync command, the Web UI signal JSON and the temporal CLI command', () => {
    const text = formatApprovalHelp(status({}), { workflowId: 'gcsync-apply-1', namespace: 'default' });
    expect(text).toContain('gcsync approve gcsync-apply-1 --by <you> --digest sha256:abc');
    expect(text).toContain('gcsync reject gcsync-apply-1 --by <you> --reason "<why>"');
    expect(text).toContain('"Send a Signal", name approve, input {"by":"<you>","planDigest":"sha256:abc"}');
    expect(text).toContain(
      `temporal workflow signal --workflow-id gcsync-apply-1 --name approve --input '{"by":"<you>","planDigest":"sha256:abc"}'`,
    );
    expect(text).toContain('Why:      removals 3 > maxRemovals 2');
  });

  it('names a non-default namespace for the temporal CLI', () => {
    const text = formatApprovalHelp(status({}), { workflowId: 'w', namespace: 'identity' });
    expect(text).toContain('temporal workflow signal --namespace identity --workflow-id w');
  });
});

describe('formatGate', () => {
  it("says whether gcsync run would wait for approval, the gate's reasons, and the warnings", () => {
    expect(
      formatGate({
        approvalRequired: true,
        approvalReasons: ['group Support would lose 36 of 98 members (36.7% > 20%)'],
        warnings: ["groups[1].include.role (role = Supervsor) in 'Leads' matches no active user"],
      }),
    ).toBe(
      [
        'gcsync run would wait for approval:',
        '  - group Support would lose 36 of 98 members (36.7% > 20%)',
        'Warnings:',
        "  - groups[1].include.role (role = Supervsor) in 'Leads' matches no active user",
      ].join('\n'),
    );
    expect(formatGate({ approvalRequired: false, approvalReasons: [], warnings: [] })).toBe(
      'gcsync run would apply this plan without waiting for approval (no threshold or failsafe trips).',
    );
  });
});
