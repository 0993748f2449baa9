/**
 * The audit entry model: what callers record ({@link AuditEvent}) and what sinks store ({@link AuditEntry}: the event
 * plus its position and SHA-256 hash-chain links).
 *
 * `hash = sha256_hex(canonicalJson(entry without hash) + prevHash)`; the first entry's `prevHash` is
 * {@link GENESIS_HASH}. Because `seq` and `prevHash` are inside the hashed content, editing, deleting or reordering
 * stored entries breaks the chain and {@link verifyChain} reports where.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * Fields every audit event carries. Each event type below names the fields the sinks require and type-check; any
 * further JSON-serialisable field may be added (e.g. `mode`, `totals`), and is stored and hashed as given, provided it
 * does not look like a secret (see `findSecretLookingFields`).
 */
export interface AuditEventBase {
  /**
   * Deterministic identity supplied by the caller, at most 2048 UTF-8 bytes, e.g.
   * `${workflowId}/${runId}/membership/${groupId}/${op}/${userId}`. A retried activity passes the same id, and the
   * sink stores it only once.
   */
  id: string;
  /** ISO-8601 instant with a `Z` or `±hh:mm` offset, supplied by the caller (e.g. workflow time) so retries agree. */
  at: string;
  /** Temporal run id of the reconciliation. */
  runId: string;
  /** Temporal workflow id of the reconciliation. */
  workflowId: string;
  /** Who caused the event (an approver, an API caller, `schedule`); omit for the system itself. */
  actor?: string;
  /** Further event-specific context; must be JSON-serialisable and secret-free. */
  [field: string]: unknown;
}

/** A reconciliation run began. Free-form context: e.g. `mode`, `targetGroups`, `rulesDigest`. */
export interface RunStartedEvent extends AuditEventBase {
  type: 'run.started';
}

/** A reconciliation run ended, whatever the outcome. Free-form context: e.g. `status`, `totals`. */
export interface RunFinishedEvent extends AuditEventBase {
  type: 'run.finished';
}

/** The diff was computed. Free-form context: e.g. `planId`, `totals`, `approvalRequired`, `approvalReasons`. */
export interface PlanCreatedEvent extends AuditEventBase {
  type: 'plan.created';
  planDigest: string;
}

/** An approver approved the plan with the matching digest. */
export interface ApprovalGrantedEvent extends AuditEventBase {
  type: 'approval.granted';
  /** The approver's identity. */
  actor: string;
  planDigest: string;
  comment?: string;
}

/** An approver rejected the plan; nothing is applied. */
export interface ApprovalRejectedEvent extends AuditEventBase {
  type: 'approval.rejected';
  /** The approver's identity. */
  actor: string;
  planDigest: string;
  /** The approver's stated reason. */
  reason?: string;
  comment?: string;
}

/** An approval named a different digest than the plan awaiting approval, so it was refused. */
export interface ApprovalRefusedEvent extends AuditEventBase {
  type: 'approval.refused';
  /** The identity that sent the approval. */
  actor: string;
  /** The digest the approval named. */
  planDigest: string;
  /** The digest of the plan awaiting approval (empty if there was none yet). */
  expectedDigest: string;
  comment?: string;
}

/** Nobody decided before the approval timeout; the run ends without applying. */
export interface ApprovalExpiredEvent extends AuditEventBase {
  type: 'approval.expired';
  planDigest: string;
  /** When the wait ended (ISO-8601). */
  deadline?: string;
}

/** The run stopped before writing anything. */
export interface RunAbortedEvent extends AuditEventBase {
  type: 'run.aborted';
  /** Why, e.g. `cycle`, `invalid-rules`, `unknown-groups`. */
  reason: string;
  /** One-line human explanation, e.g. `group nesting cycle: a → b → c → a`. */
  message: string;
}

/** One user added to or removed from one group (one entry per user, not per batch). */
export interface MembershipChangeEvent extends AuditEventBase {
  type: 'membership.change';
  groupId: string;
  groupName: string;
  userId: string;
  op: 'add' | 'remove';
  /** Index of the ≤50-id batch within this group's adds or removes; -1 when not sent in a batch (found already applied). */
  batchIndex: number;
  /** Group version sent with the write. */
  groupVersion: number;
  /** `already-applied`: a retry found the change already in place (e.g. the worker died after the write). */
  outcome: 'applied' | 'already-applied' | 'failed';
  /** Status of the write (or of the re-read that found it already applied); 0 when no response was received. */
  httpStatus?: number;
  /** Reference to the approval that authorised the change, when approval was required. */
  approvalRef?: string;
  /** Sanitised failure reason when `outcome` is `failed`. */
  error?: string;
}

/** The SCIM PatchOp for one changed group was sent to the IdP (or not). */
export interface ScimNotifyEvent extends AuditEventBase {
  type: 'scim.notify';
  groupId: string;
  groupName?: string;
  idpGroupId: string;
  /** Number of PatchOp operations sent. */
  ops: number;
  outcome: 'sent' | 'failed' | 'skipped';
  /** Status of the last request; 0 when no response was received. */
  httpStatus?: number;
  /** Sanitised failure reason when `outcome` is `failed`. */
  error?: string;
}

/** A group could not be reconciled; the run continued with the others. */
export interface GroupFailedEvent extends AuditEventBase {
  type: 'group.failed';
  groupId: string;
  groupName?: string;
  /** Sanitised reason. */
  reason: string;
  /** Status of the failing request; 0 when no response was received. */
  httpStatus?: number;
}

/** A scheduled run stopped at start: an older run of its schedule was still at work (not awaiting approval). */
export interface RunSkippedEvent extends AuditEventBase {
  type: 'run.skipped';
  activeWorkflowId: string;
  activeRunId: string;
}

/** A run awaiting approval ended unapplied: a newer run of its schedule planned something else. */
export interface RunSupersededEvent extends AuditEventBase {
  type: 'run.superseded';
  /** The digest this run waited on. */
  planDigest: string;
  supersededByWorkflowId: string;
  supersededByRunId: string;
  /** The newer plan's digest. */
  newerPlanDigest: string;
}

/** A scheduled run planned what an older run already awaits approval for (same digest), so it did not ask again. */
export interface PlanAlreadyPendingEvent extends AuditEventBase {
  type: 'plan.already-pending';
  planDigest: string;
  pendingWorkflowId: string;
  pendingRunId: string;
}

/** A webhook notification could not be delivered (after its retries); the run went on. */
export interface NotifyFailedEvent extends AuditEventBase {
  type: 'notify.failed';
  /** What the notification was about, e.g. `approval-needed`. */
  kind: string;
  /** Sanitised reason (the webhook URL appears as scheme and host only). */
  error: string;
}

/** Everything a caller can record. Discriminated on `type`. */
export type AuditEvent =
  | RunStartedEvent
  | RunFinishedEvent
  | PlanCreatedEvent
  | ApprovalGrantedEvent
  | ApprovalRejectedEvent
  | ApprovalRefusedEvent
  | ApprovalExpiredEvent
  | RunAbortedEvent
  | MembershipChangeEvent
  | ScimNotifyEvent
  | GroupFailedEvent
  | RunSkippedEvent
  | RunSupersededEvent
  | PlanAlreadyPendingEvent
  | NotifyFailedEvent;

/** The `type` discriminator values. */
export type AuditEventType = AuditEvent['type'];

/** Chain fields a sink adds when it stores an event. */
export interface ChainLinks {
  /** 1-based position in the log; contiguous. */
  seq: number;
  /** `hash` of the previous entry, or {@link GENESIS_HASH} for the first. */
  prevHash: string;
  /** Lower-case hex SHA-256 of `canonicalJson(entry without hash) + prevHash`. */
  hash: string;
}

/** A stored audit entry. */
export type AuditEntry = AuditEvent & ChainLinks;

/** `prevHash` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** Position and hash of the last stored entry; `{ seq: 0, hash: GENESIS_HASH }` for an empty log. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The head of an empty log. */
export const EMPTY_HEAD: Readonly<ChainHead> = Object.freeze({ seq: 0, hash: GENESIS_HASH });

/**
 * Computes an entry's hash. Any `hash` property on `entry` is ignored, so this accepts a stored entry (to verify it)
 * as well as one being sealed. Every other property is hashed, including unknown ones, so additions are detected too.
 */
export function computeEntryHash(entry: { readonly prevHash: string }): string {
  const { hash: _ignored, ...content } = entry as { hash?: unknown; prevHash: string };
  return createHash('sha256').update(canonicalJson(content)).update(content.prevHash).digest('hex');
}

/** Turns a (validated) event into the entry that follows `head`. */
export function sealEvent(event: AuditEvent, head: ChainHead): AuditEntry {
  const unsealed = { ...event, seq: head.seq + 1, prevHash: head.hash };
  return { ...unsealed, hash: computeEntryHash(unsealed) };
}
