/**
 * Live view of a followed run (`gcsync run --wait`): a line per phase change, the approval hint when the run starts
 * waiting, and a cli-progress bar while groups are applied. Writes to stderr so stdout keeps only the result.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { RunPhase, RunStatus } from '../../../workflows/messages';
import { formatApprovalHelp, type ApprovalHelpContext } from './approval-help';
import { plural } from './plural';
import { minusCount, plusCount } from './signed';

// The result printed after the run says how it ended; a phase line would repeat it.
const FINAL_PHASES: ReadonlySet<RunPhase> = new Set([
  'completed',
  'planned',
  'no-changes',
  'rejected',
  'expired',
  'aborted',
  'failed',
  'skipped',
  'superseded',
  'already-pending',
  'cancelled',
]);

/** The line printed when a run enters `status.phase`. */
export function phaseLine(status: RunStatus): string {
  const t = status.totals;
  switch (status.phase) {
    case 'snapshot':
      return 'Reading users and groups…';
    case 'planning':
      return 'Computing the plan…';
    case 'applying':
      return t
        ? `Applying: ${plural(t.groupsChanged, 'group')} to change, ${plusCount(t.adds)} ${minusCount(t.removes)}`
        : 'Applying…';
    case 'awaiting-approval':
      return t
        ? `Plan ready: ${t.groupsChanged} of ${plural(t.groups, 'group')} to change, ${plusCount(t.adds)} ${minusCount(t.removes)}`
        : 'Plan ready';
    default:
      return `Phase: ${status.phase}`;
  }
}

export class RunProgressView {
  private bar: SingleBar | undefined;
  private lastPhase: RunPhase | undefined;
  private approvalShownFor: string | undefined;

  constructor(
    private readonly ctx: ApprovalHelpContext,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Shows what changed since the previous status. */
  update(status: RunStatus): void {
    if (status.phase !== this.lastPhase) {
      // Let the bar show the final count before a later phase replaces it.
      if (this.bar) this.showBar(status);
      this.stopBar();
      this.lastPhase = status.phase;
      if (!FINAL_PHASES.has(status.phase)) this.write(phaseLine(status));
    }
    const digest = status.planDigest ?? '';
    if (status.awaitingApproval && this.approvalShownFor !== digest) {
      this.approvalShownFor = digest;
      this.write(formatApprovalHelp(status, this.ctx));
    }
    if (status.phase === 'applying' && status.progress.groupsTotal > 0) this.showBar(status);
  }

  stop(): void {
    this.stopBar();
  }

  private showBar(status: RunStatus): void {
    const p = status.progress;
    const payload = { added: p.added, removed: p.removed, failed: p.failedGroups };
    if (!this.bar) {
      this.bar = new SingleBar(
        {
          format: 'Groups |{bar}| {value}/{total} | +{added} -{removed} applied | {failed} failed',
          stream: this.stream,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(p.groupsTotal, p.groupsDone, payload);
      return;
    }
    this.bar.setTotal(p.groupsTotal);
    this.bar.update(p.groupsDone, payload);
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private write(text: string): void {
    this.stream.write(`${text}\n`);
  }
}
