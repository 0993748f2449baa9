/** Messages between the parent run and its apply-batch children (not part of the public contract). */
import { defineSignal } from '@temporalio/workflow';
import type { GroupOutcome } from './messages';

/** A child reports each finished group so the parent's `status` query shows live progress. */
export const groupDoneSignal = defineSignal<[GroupOutcome]>('gcsyncGroupDone');
