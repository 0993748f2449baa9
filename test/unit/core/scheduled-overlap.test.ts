import {
  decideAfterPlan,
  decideAtStart,
  olderOpenRuns,
  type ScheduledRunView,
} from '../../../src/core/scheduled-overlap';

const self = {
  run: { workflowId: 'sched-2026-12-06T04:00:00Z', runId: 'r-self' },
  startedAt: '2026-12-06T04:00:00.000Z',
};

function view(workflowId: string, startedAt: string, fields: Partial<ScheduledRunView> = {}): ScheduledRunView {
  return { run: { workflowId, runId: `r-${workflowId}` }, startedAt, running: true, ...fields };
}

describe('olderOpenRuns', () => {
  it('keeps open runs started before this one, oldest first, and drops closed ones, newer ones and itself', () => {
    const runs = [
      view('b', '2026-12-06T03:00:00.000Z'),
      view('a', '2026-12-06T02:00:00.000Z'),
      view('closed', '2026-12-06T01:00:00.000Z', { running: false }),
      view('newer', '2026-12-06T05:00:00.000Z'),
      view(self.run.workflowId, self.startedAt),
    ];
    expect(olderOpenRuns(self, runs).map((r) => r.run.workflowId)).toEqual(['a', 'b']);
  });

  it('orders two runs started in the same millisecond by workflow id, so exactly one of them is the older', () => {
    const other = view('sched-2026-12-06T04:00:00Z-manual', self.startedAt);
    const selfView = view(self.run.workflowId, self.startedAt);
    const seenBySelf = olderOpenRuns(self, [other]);
    const seenByOther = olderOpenRuns({ run: other.run, startedAt: other.startedAt }, [selfView]);
    expect(seenBySelf.length + seenByOther.length).toBe(1);
  });
});

describe('decideAtStart', () => {
  it('goes on when no older run is open', () => {
    expect(decideAtStart([])).toEqual({ kind: 'proceed' });
  });

  it('goes on when every older run waits for approval', () => {
    expect(decideAtStart([view('a', '2026-12-06T02:00:00.000Z', { awaitingApproval: true })])).toEqual({
      kind: 'proceed',
    });
  });

  it('skips when an older run is at work, naming it', () => {
    const busy = view('busy', '2026-12-06T03:00:00.000Z', { awaitingApproval: false });
    expect(decideAtStart([view('a', '2026-12-06T02:00:00.000Z', { awaitingApproval: true }), busy])).toEqual({
      kind: 'skip',
      activeRun: busy.run,
    });
  });

  it('skips when an older run did not answer its status query (fail closed)', () => {
    const silent = view('silent', '2026-12-06T03:00:00.000Z');
    expect(decideAtStart([silent])).toEqual({ kind: 'skip', activeRun: silent.run });
  });
});

describe('decideAfterPlan', () => {
  const waiting = (id: string, at: string, planDigest: string) => view(id, at, { awaitingApproval: true, planDigest });

  it('supersedes every older run waiting on another plan', () => {
    const a = waiting('a', '2026-12-06T02:00:00.000Z', 'd1');
    const b = waiting('b', '2026-12-06T03:00:00.000Z', 'd2');
    expect(decideAfterPlan([a, b], 'd3')).toEqual({ kind: 'supersede', pending: [a.run, b.run] });
  });

  it('stops as already-pending when an older run waits on the same plan, naming the newest such run', () => {
    const a = waiting('a', '2026-12-06T02:00:00.000Z', 'd1');
    const b = waiting('b', '2026-12-06T03:00:00.000Z', 'd1');
    expect(decideAfterPlan([a, b], 'd1')).toEqual({ kind: 'already-pending', pendingRun: b.run });
  });

  it('skips when an older run got its decision meanwhile and applies (two applies never overlap)', () => {
    const applying = view('a', '2026-12-06T02:00:00.000Z', { awaitingApproval: false, planDigest: 'd1' });
    expect(decideAfterPlan([applying], 'd2')).toEqual({ kind: 'skip', activeRun: applying.run });
  });

  it('goes on with nothing to supersede when no older run is open', () => {
    expect(decideAfterPlan([], 'd1')).toEqual({ kind: 'supersede', pending: [] });
  });
});
