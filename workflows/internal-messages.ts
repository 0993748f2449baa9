/** Messages between the parent run and its apply-batch children (not part of the public contract). */
import { defineSignal } from '@temporalio/workflow';
import type { GroupOutcome } from './messages';

/**
 * A child reports finished groups in small batches so the parent's `status` query shows live progress without the
 * parent's history growing by one event per group.
 */
export const groupsDoneSignal = defineSignal<[GroupOutcome[]]>('gcsyncGroupsDone');
