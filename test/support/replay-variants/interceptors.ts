/**
 * Test-only workflow interceptors that turn today's `reconcileGroups` into the kinds of change a careless deploy
 * ships, so `test/integration/workflow-replay.test.ts` can prove the replay test catches them. Bundled with the real
 * workflows (`workflowInterceptorModules`) in a second bundle that production never sees.
 *
 * The variant is named by a memo entry ({@link VARIANT_MEMO}) the test adds to its copy of a recorded history: a memo
 * is not a command, so it takes no part in the determinism check, and the workflow id stays the recorded one (child
 * ids derive from it). One bundle thus serves every variant; without the memo the workflow runs unchanged.
 */
import {
  patched,
  sleep,
  workflowInfo,
  type ActivityInput,
  type Next,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** Memo key naming the variant a replayed run takes. */
export const VARIANT_MEMO = 'replayVariant';

/** The variants, by memo value. */
export const REPLAY_VARIANTS = {
  /** Reads the groups before the users (the two read activities swap places): not deterministic. */
  swapReads: 'swap-reads',
  /** Waits on a new 1 ms timer before the users snapshot, without `patched()`: not deterministic. */
  unpatchedTimer: 'unpatched-timer',
  /** The same timer behind `patched()`: old histories replay without it, new runs take it. */
  patchedTimer: 'patched-timer',
  /** Other timeouts and retries on every activity: options are not commands, so this needs no patch. */
  changedOptions: 'changed-options',
} as const;

/** The `patched()` id the patched-timer variant uses. */
export const VARIANT_PATCH_ID = 'replay-test-extra-timer';

const SWAPPED: Record<string, string> = { snapshotUsers: 'readGroups', readGroups: 'snapshotUsers' };

class VariantOutbound implements WorkflowOutboundCallsInterceptor {
  // Read when the first activity is scheduled: the memo is not decoded yet when the interceptors are created.
  private get variant(): string {
    return String(workflowInfo().memo?.[VARIANT_MEMO] ?? '');
  }

  async scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    if (this.variant === REPLAY_VARIANTS.swapReads && SWAPPED[input.activityType]) {
      return next({ ...input, activityType: SWAPPED[input.activityType] });
    }
    if (this.variant === REPLAY_VARIANTS.changedOptions) {
      const options = { ...input.options, startToCloseTimeout: '3 minutes', retry: { maximumAttempts: 2 } };
      return next({ ...input, options });
    }
    if (input.activityType === 'snapshotUsers') {
      if (this.variant === REPLAY_VARIANTS.unpatchedTimer) await sleep(1);
      if (this.variant === REPLAY_VARIANTS.patchedTimer && patched(VARIANT_PATCH_ID)) await sleep(1);
    }
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [new VariantOutbound()],
});
