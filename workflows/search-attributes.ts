/**
 * Custom search attributes the workflow upserts so runs are findable in the Web UI and by `gcsync list`.
 * The worker registers them on start when missing; the dev-server helper passes them with `--search-attribute`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PHASE_ATTRIBUTE = defineSearchAttributeKey('GcsyncPhase', SearchAttributeType.KEYWORD);
export const AWAITING_APPROVAL_ATTRIBUTE = defineSearchAttributeKey('GcsyncAwaitingApproval', SearchAttributeType.BOOL);
export const PLAN_DIGEST_ATTRIBUTE = defineSearchAttributeKey('GcsyncPlanDigest', SearchAttributeType.KEYWORD);
/** Set by Temporal on every run a Schedule starts (the schedule id); built in, never registered by gcsync. */
export const SCHEDULED_BY_ID_ATTRIBUTE = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** Name → type, for `temporal server start-dev --search-attribute` and the operator API. */
export const CUSTOM_SEARCH_ATTRIBUTES = {
  GcsyncPhase: 'Keyword',
  GcsyncAwaitingApproval: 'Bool',
  GcsyncPlanDigest: 'Keyword',
} as const;
