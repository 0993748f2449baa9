/**
 * Runtime validation of audit events at the sink boundary. Events arrive from activities (ultimately from workflow
 * data), and a bad entry can never be corrected once chained, so the whole batch is checked before anything is
 * written.
 */
import { z } from 'zod';
import type { AuditEvent } from './entry';
import { canonicalJson } from './canonical-json';
import { AuditValidationError } from './errors';
import { findSecretLookingFields } from './secret-guard';

const MAX_ID_BYTES = 2048;

const text = z.string().min(1);
const count = z.number().int().nonnegative();
// 0 is the usual convention for "no HTTP response" (network error, timeout).
const httpStatus = z
  .number()
  .int()
  .refine((status) => status === 0 || (status >= 100 && status <= 599), 'must be 0 or an HTTP status (100-599)');
const instant = z.iso.datetime({ offset: true });

const base = {
  id: text.refine((id) => Buffer.byteLength(id, 'utf8') <= MAX_ID_BYTES, `must be at most ${MAX_ID_BYTES} bytes`),
  at: instant,
  runId: text,
  workflowId: text,
  actor: text.optional(),
};

// Loose objects: fields beyond the required ones are kept verbatim (never stripped, so the stored entry is exactly
// what the caller recorded); they are checked for secrets and JSON-serialisability instead.
const auditEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ ...base, type: z.literal('run.started') }),
  z.looseObject({ ...base, type: z.literal('run.finished') }),
  z.looseObject({ ...base, type: z.literal('plan.created'), planDigest: text }),
  z.looseObject({
    ...base,
    type: z.literal('approval.granted'),
    actor: text,
    planDigest: text,
    comment: z.string().optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('approval.rejected'),
    actor: text,
    planDigest: text,
    reason: z.string().optional(),
    comment: z.string().optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('approval.refused'),
    actor: text,
    planDigest: z.string(),
    expectedDigest: z.string(),
    comment: z.string().optional(),
  }),
  z.looseObject({ ...base, type: z.literal('approval.expired'), planDigest: text, deadline: instant.optional() }),
  z.looseObject({ ...base, type: z.literal('run.aborted'), reason: text, message: text }),
  z.looseObject({
    ...base,
    type: z.literal('membership.change'),
    groupId: text,
    groupName: z.string(),
    userId: text,
    op: z.enum(['add', 'remove']),
    // -1: found already applied by a re-read, so not part of any batch sent.
    batchIndex: z.number().int().min(-1),
    groupVersion: count,
    outcome: z.enum(['applied', 'already-applied', 'failed']),
    httpStatus: httpStatus.optional(),
    approvalRef: z.string().optional(),
    error: z.string().optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('scim.notify'),
    groupId: text,
    groupName: z.string().optional(),
    idpGroupId: text,
    ops: count,
    outcome: z.enum(['sent', 'failed', 'skipped']),
    httpStatus: httpStatus.optional(),
    error: z.string().optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('group.failed'),
    groupId: text,
    groupName: z.string().optional(),
    reason: text,
    httpStatus: httpStatus.optional(),
  }),
  z.looseObject({ ...base, type: z.literal('run.skipped'), activeWorkflowId: text, activeRunId: text }),
  z.looseObject({
    ...base,
    type: z.literal('run.superseded'),
    planDigest: text,
    supersededByWorkflowId: text,
    supersededByRunId: text,
    newerPlanDigest: text,
  }),
  z.looseObject({
    ...base,
    type: z.literal('plan.already-pending'),
    planDigest: text,
    pendingWorkflowId: text,
    pendingRunId: text,
  }),
  z.looseObject({ ...base, type: z.literal('notify.failed'), kind: text, error: text }),
]);

// Compile-time guard that the schema and the documented interfaces in entry.ts never drift apart.
type Parsed = z.infer<typeof auditEventSchema>;
type _SchemaCoversModel = AssertTrue<AuditEvent extends Parsed ? true : false>;
type _ModelCoversSchema = AssertTrue<Parsed extends AuditEvent ? true : false>;
type AssertTrue<T extends true> = T;

/**
 * Validates a batch of events for appending: required fields per `type`, no secret-looking keys or values anywhere,
 * JSON-serialisable without loss (see `canonicalJson`), no NUL characters (PostgreSQL `jsonb` cannot store them, and
 * both sinks must accept the same events).
 *
 * @returns the events, typed, in the same order.
 * @throws {AuditValidationError} listing every problem in the batch; nothing should be written.
 */
export function validateAuditEvents(events: readonly unknown[]): AuditEvent[] {
  const issues: string[] = [];
  const valid: AuditEvent[] = [];
  events.forEach((event, i) => {
    const where = `events[${i}]`;
    const secrets = findSecretLookingFields(event, where);
    if (secrets.length > 0) {
      issues.push(...secrets);
      return;
    }
    const problem = serialisationProblem(event);
    if (problem) {
      issues.push(`${where}: ${problem}`);
      return;
    }
    const parsed = auditEventSchema.safeParse(event);
    if (parsed.success) valid.push(parsed.data);
    else issues.push(...parsed.error.issues.map((issue) => `${[where, ...issue.path].join('.')}: ${issue.message}`));
  });
  if (issues.length > 0) {
    const secret = issues.some((issue) => issue.includes('looks like a'));
    throw new AuditValidationError(
      `${secret ? 'audit events must not contain secrets' : 'invalid audit event'}: ${issues.slice(0, 5).join('; ')}` +
        (issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''),
      issues,
    );
  }
  return valid;
}

function serialisationProblem(event: unknown): string | undefined {
  try {
    canonicalJson(event);
  } catch (err) {
    return (err as Error).message;
  }
  return containsNul(event) ? 'contains a NUL character' : undefined;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, child]) => key.includes('\0') || containsNul(child));
}
