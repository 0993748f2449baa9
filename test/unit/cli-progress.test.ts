import type { RunStatus } from '../../workflows/messages';
import { phaseLine, RunProgressView } from '../../src/cli/output/progress';

const status = (over: Partial<RunStatus>): RunStatus => ({
  phase: 'starting',
  mode: 'apply',
  startedAt: '2026-11-29T14:00:00.000Z',
  awaitingApproval: false,
  approvalRequired: false,
  approvalReasons: [],
  refusedApprovals: [],
  progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
  ...over,
});

/** A non-TTY stream: cli-progress draws nothing on it, so only the lines are left to check. */
function captureStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY: false, write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('phaseLine', () => {
  it('describes each phase, with totals once planned', () => {
    const totals = { groups: 4, groupsChanged: 1, adds: 2, removes: 1 };
    expect(phaseLine(status({ phase: 'snapshot' }))).toBe('Reading users and groups…');
    expect(phaseLine(status({ phase: 'awaiting-approval', totals }))).toBe(
      'Plan ready: 1 of 4 groups to change, +2 -1',
    );
    expect(phaseLine(status({ phase: 'applying', totals }))).toBe('Applying: 1 group to change, +2 -1');
  });
});

describe('RunProgressView', () => {
  it('prints each phase once, the approval help once per digest, and nothing for final phases', () => {
    const out = captureStream();
    const view = new RunProgressView({ workflowId: 'w1', namespace: 'default' }, out.stream);
    view.update(status({ phase: 'snapshot' }));
    view.update(status({ phase: 'snapshot' }));
    const waiting = status({ phase: 'awaiting-approval', awaitingApproval: true, planDigest: 'd1' });
    view.update(waiting);
    view.update(waiting);
    view.update(
      status({ phase: 'applying', progress: { groupsDone: 1, groupsTotal: 2, added: 1, removed: 0, failedGroups: 0 } }),
    );
    view.update(status({ phase: 'completed' }));
    view.stop();
    const text = out.text();
    expect(text.match(/Reading users and groups/g)).toHaveLength(1);
    expect(text.match(/is waiting for approval/g)).toHaveLength(1);
    expect(text).toContain('gcsync approve w1 --by <you> --digest d1');
    expect(text).toContain('Applying…');
    expect(text).not.toContain('completed');
  });
});
