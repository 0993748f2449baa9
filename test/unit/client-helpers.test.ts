import type { RunStatus } from '../../workflows/messages';
import { approvalProblem } from '../../src/client/approval-check';
import { failureMessage } from '../../src/client/failure-message';
import { listRunsQuery } from '../../src/client/reconciliation-client';
import { newWorkflowId } from '../../src/client/workflow-id';

describe('newWorkflowId', () => {
  it('is gcsync-<mode>-<UTC timestamp>-<6 hex>', () => {
    const id = newWorkflowId('apply', new Date('2026-11-29T14:09:12.345Z'));
    expect(id).toMatch(/^gcsync-apply-20261129T140912Z-[0-9a-f]{6}$/);
  });

  it('differs between two runs started in the same second', () => {
    const at = new Date('2026-11-29T14:09:12Z');
    const ids = new Set(Array.from({ length: 50 }, () => newWorkflowId('plan', at)));
    expect(ids.size).toBe(50);
  });
});

describe('listRunsQuery', () => {
  it('selects reconcileGroups runs', () => {
    expect(listRunsQuery()).toBe("WorkflowType = 'reconcileGroups'");
  });

  it('filters on the GcsyncAwaitingApproval search attribute', () => {
    expect(listRunsQuery({ awaitingApproval: true })).toBe(
      "WorkflowType = 'reconcileGroups' AND GcsyncAwaitingApproval = true",
    );
    expect(listRunsQuery({ awaitingApproval: false })).toBe(
      "WorkflowType = 'reconcileGroups' AND GcsyncAwaitingApproval = false",
    );
  });
});

describe('approvalProblem', () => {
  const waiting: RunStatus = {
    phase: 'awaiting-approval',
    mode: 'apply',
    startedAt: '2026-11-29T14:00:00Z',
    planDigest: 'd1',
    awaitingApproval: true,
    approvalRequired: true,
    approvalReasons: [],
    refusedApprovals: [],
    progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
  };

  it('accepts the digest of the plan awaiting approval, and a rejection', () => {
    expect(approvalProblem(waiting, 'd1')).toBeUndefined();
    expect(approvalProblem(waiting)).toBeUndefined();
  });

  it('refuses another digest, naming both', () => {
    expect(approvalProblem(waiting, 'd0')).toMatch(/plan digest d0 is not the digest .* \(d1\)/);
  });

  it('refuses a run that is not waiting', () => {
    expect(approvalProblem({ ...waiting, phase: 'applying', awaitingApproval: false }, 'd1')).toBe(
      'the run is not awaiting approval (phase: applying)',
    );
  });
});

describe('failureMessage', () => {
  it('returns the innermost cause', () => {
    const inner = new Error('group 42: 403 missing group:write');
    const outer = new Error('Workflow execution failed', {
      cause: new Error('Activity task failed', { cause: inner }),
    });
    expect(failureMessage(outer)).toBe('group 42: 403 missing group:write');
  });

  it('keeps an outer message when the cause has none', () => {
    expect(failureMessage(new Error('boom', { cause: new Error('') }))).toBe('boom');
    expect(failureMessage('plain')).toBe('plain');
  });
});
