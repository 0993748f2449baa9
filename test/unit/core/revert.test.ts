import {
  collectRunChanges,
  latestRunOf,
  planRevertGroup,
  revertRefusal,
  type RevertAuditEntry,
} from '../../../src/core/revert';

const run = { workflowId: 'wf-1', runId: 'r2' };
const change = (
  userId: string,
  op: 'add' | 'remove',
  outcome = 'applied',
  groupId = 'g1',
  at: Partial<RevertAuditEntry> = {},
): RevertAuditEntry => ({
  type: 'membership.change',
  ...run,
  groupId,
  groupName: groupId === 'g1' ? 'Support' : 'Sales',
  userId,
  op,
  outcome,
  ...at,
});
const started = (runId = run.runId, workflowId = run.workflowId): RevertAuditEntry => ({
  type: 'run.started',
  workflowId,
  runId,
});
const finished = (runId = run.runId): RevertAuditEntry => ({ type: 'run.finished', workflowId: run.workflowId, runId });

describe('collectRunChanges', () => {
  it("keeps the run's applied and already-applied changes per group, ignoring failed ones and other runs", () => {
    const changes = collectRunChanges(
      [
        started(),
        change('u3', 'add'),
        change('u1', 'add', 'already-applied'),
        change('u2', 'remove'),
        change('u4', 'add', 'failed'),
        change('u5', 'remove', 'applied', 'g2'),
        change('u9', 'add', 'applied', 'g1', { runId: 'r1' }),
        change('u8', 'add', 'applied', 'g1', { workflowId: 'wf-other' }),
        finished(),
      ],
      run,
    );
    expect(changes).toEqual({
      ...run,
      started: true,
      finished: true,
      groups: [
        { groupId: 'g1', groupName: 'Support', added: ['u1', 'u3'], removed: ['u2'] },
        { groupId: 'g2', groupName: 'Sales', added: [], removed: ['u5'] },
      ],
    });
  });

  it('lets the later entry win when a user appears twice in one group', () => {
    const changes = collectRunChanges([change('u1', 'add'), change('u1', 'remove')], run);
    expect(changes.groups).toEqual([{ groupId: 'g1', groupName: 'Support', added: [], removed: ['u1'] }]);
  });
});

describe('latestRunOf', () => {
  it("names the workflow id's last started run", () => {
    expect(latestRunOf([started('r1'), started('x', 'wf-2'), started('r2')], 'wf-1')).toBe('r2');
    expect(latestRunOf([started('x', 'wf-2')], 'wf-1')).toBeUndefined();
  });
});

describe('revertRefusal', () => {
  it('refuses an unknown run', () => {
    expect(revertRefusal(collectRunChanges([change('u1', 'add')], run))).toBe(
      'run wf-1/r2 is not in the audit log (no run.started entry): nothing to revert',
    );
  });

  it('refuses a run the log does not show as finished', () => {
    expect(revertRefusal(collectRunChanges([started(), change('u1', 'add')], run))).toMatch(
      /^run wf-1\/r2 has no run.finished entry in the audit log \(still running, or its record is incomplete\)/,
    );
  });

  it('refuses a run that applied nothing (failed writes change nothing)', () => {
    expect(revertRefusal(collectRunChanges([started(), change('u1', 'add', 'failed'), finished()], run))).toBe(
      'run wf-1/r2 applied no membership changes: nothing to revert',
    );
  });

  it('accepts a finished run with applied changes', () => {
    expect(revertRefusal(collectRunChanges([started(), change('u1', 'add'), finished()], run))).toBeUndefined();
  });
});

describe('planRevertGroup', () => {
  const changes = { groupId: 'g1', groupName: 'Support', added: ['a1', 'a2'], removed: ['r1', 'r2', 'r3'] };

  it('removes what the run added and is still there, adds back what it removed that is still gone and active', () => {
    const revert = planRevertGroup({
      changes,
      mode: 'exact',
      // a2 was removed by someone since; r2 was added back by someone; r3 is inactive or deleted.
      current: ['a1', 'r2', 'other'],
      active: new Set(['a1', 'a2', 'r1', 'r2']),
    });
    expect(revert).toEqual({
      plan: {
        groupId: 'g1',
        groupName: 'Support',
        mode: 'exact',
        toAdd: ['r1'],
        toRemove: ['a1'],
        unchanged: 2,
        currentCount: 3,
        desiredCount: 3,
      },
      addedNoLongerMembers: ['a2'],
      removedMembersAgain: ['r2'],
      removedGoneOrInactive: ['r3'],
    });
  });

  it('plans nothing once everything is undone, whatever the mode', () => {
    const revert = planRevertGroup({
      changes,
      mode: 'additive',
      current: ['r1', 'r2', 'r3'],
      active: new Set(['r1', 'r2', 'r3']),
    });
    expect(revert.plan).toMatchObject({ toAdd: [], toRemove: [], mode: 'additive' });
  });
});
