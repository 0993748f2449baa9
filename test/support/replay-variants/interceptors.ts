/**
 * Test-only workflow interceptors that turn today's `reconcileGroups` into the kinds of change a careless deploy
 * ships, so `test/integration/workflow-replay.test.ts` can prove the replay test catches them. Bundled with the real
 * workflows (`workflowInterceptorModules`) in a second bundle that production never sees.
 *
 * The variant is chosen by the workflow id the test replays under (`<variant>:<anything>`), so one bundle serves
 * all variants; any other id runs the workflow unchanged.
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

/** The variants, by workflow-id prefix. */
export const REPLAY_VARIANTS = {
  /** Reads the groups before the users (the two read activities swap places): not deterministic. */
  swapReads: 'swap-reads',
  /** Waits on a new 1 ms timer before the users snapshot, without `patched()`: not deterministic. */
  unpatchedTimer: 'unpatched-timer',
  /** The same timer behind `patched()`: old histories replay without it, new runs take it. */
  patchedTimer: 'patched-timer',
} as const;

/** The `patched()` id the patched-timer variant uses. */
export const VARIANT_PATCH_ID = 'replay-test-extra-timer';

const SWAPPED: Record<string, string> = { snapshotUsers: 'readGroups', readGroups: 'snapshotUsers' };

class VariantOutbound implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly variant: string) {}

  async scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    if (this.variant === REPLAY_VARIANTS.swapReads && SWAPPED[input.activityType]) {
      return next({ ...input, activityType: SWAPPED[input.activityType] });
    }
    if (input.activityType === 'snapshotUsers') {
      if (this.variant === REPLAY_VARIANTS.unpatchedTimer) await sleep(1);
      if (this.variant === REPLAY_VARIANTS.patchedTimer && patched(VARIANT_PATCH_ID)) await sleep(1);
    }
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [new VariantOutbound(workflowInfo().workflowId.split(':')[0])],
});
