/** The pure helpers the workflows share: audit events, and the RunAborted failure the typed client reads back. */
import { ApplicationFailure } from '@temporalio/common';
import { auditEvent } from '../../workflows/audit-event';
import type { ReconcileResult } from '../../workflows/messages';
import { abortedResultOf, RUN_ABORTED_FAILURE, runAbortedFailure } from '../../workflows/run-aborted';

const ctx = { workflowId: 'wf-1', runId: 'run-1' };

describe('auditEvent', () => {
  it('names the run and derives a stable id from the key', () => {
    expect(auditEvent(ctx, 'group.failed', 'group-failed/g1', { groupId: 'g1' }, '2026-01-01T00:00:00.000Z')).toEqual({
      workflowId: 'wf-1',
      runId: 'run-1',
      type: 'group.failed',
      id: 'wf-1/run-1/group-failed/g1',
      at: '2026-01-01T00:00:00.000Z',
      groupId: 'g1',
    });
  });

  it('lets no field overwrite the identity, and stamps the time when none is given', () => {
    const forged = { id: 'other', workflowId: 'x', type: 'y' } as Record<string, unknown>;
    const event = auditEvent(ctx, 'run.finished', 'run-finished', forged);
    expect(event).toMatchObject({ id: 'wf-1/run-1/run-finished', workflowId: 'wf-1', type: 'run.finished' });
    expect(Number.isNaN(Date.parse(event.at))).toBe(false);
  });
});

describe('RunAborted failure', () => {
  const result: ReconcileResult = {
    status: 'aborted',
    totals: { groups: 0, added: 0, removed: 0, failedGroups: 0 },
    groups: [],
    error: 'nesting cycle: A → B → A',
  };

  it('is non-retryable, says the abort reason and carries the result', () => {
    const failure = runAbortedFailure(result);
    expect(failure).toMatchObject({ type: RUN_ABORTED_FAILURE, nonRetryable: true, message: result.error });
    expect(abortedResultOf(failure)).toEqual(result);
  });

  it('reads no result from other failures', () => {
    expect(abortedResultOf(ApplicationFailure.create({ type: 'Other', details: [result] }))).toBeUndefined();
    expect(abortedResultOf(ApplicationFailure.create({ type: RUN_ABORTED_FAILURE, details: [] }))).toBeUndefined();
    expect(
      abortedResultOf(ApplicationFailure.create({ type: RUN_ABORTED_FAILURE, details: [{ ...result, status: 'x' }] })),
    ).toBeUndefined();
    expect(abortedResultOf(new Error('RunAborted'))).toBeUndefined();
  });
});
