/**
 * Bodies accepted by the HTTP service, and the mapping of a reconcile request to the workflow input. The original
 * tutorial's body `{"targetGroups": [...]}` is a valid reconcile request: it runs the server's default rules.
 */
import { z } from 'zod';
import type { ReconcileInput } from '../../workflows/messages';
import { MAX_APPROVAL_TIMEOUT_MS, parseDuration } from '../core/duration';
import { APPROVAL_MODES } from '../core/rules-schema';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Most removals an override may allow (a bound on input, far above any organisation). */
export const MAX_REMOVALS_OVERRIDE = 10_000_000;
/** Longest activity heartbeat timeout an override may set. */
const MAX_HEARTBEAT_TIMEOUT_MS = 3_600_000;

const durationText = (maxMs: number, maxText: string) =>
  z
    .string()
    .max(32, 'must be a duration like 90s, 15m, 24h or 1h30m')
    .refine(
      (value) => {
        try {
          return parseDuration(value) > 0;
        } catch {
          return false;
        }
      },
      { message: 'must be a duration longer than zero, like 90s, 15m, 24h or 1h30m' },
    )
    .refine(
      (value) => {
        try {
          return parseDuration(value) <= maxMs;
        } catch {
          return true; // reported by the refinement above
        }
      },
      { message: `must be at most ${maxText}` },
    );

/** Per-run overrides of the policy, as any run request may carry them. */
export const overridesSchema = z.strictObject({
  requireApproval: z.enum(APPROVAL_MODES).optional(),
  maxRemovals: z.number().int().min(0).max(MAX_REMOVALS_OVERRIDE).optional(),
  maxRemovalRatio: z.number().min(0).max(1).optional(),
  approvalTimeout: durationText(MAX_APPROVAL_TIMEOUT_MS, '30d').optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  activityHeartbeatTimeout: durationText(MAX_HEARTBEAT_TIMEOUT_MS, '1h').optional(),
});

/** Body of `POST /api/reconcile-groups`. Strict, so a misspelt field is an error rather than silently ignored. */
export const reconcileRequestSchema = z
  .strictObject({
    /**
     * Rules the worker reads: `blob:<key>`, or a file in the rules folder (only when the service has
     * `GCSYNC_RULES_DIR`; see `checkRequestRulesRef`).
     */
    rulesRef: text(1024).optional(),
    /** The rules document inline: its YAML/JSON text or the parsed object. */
    rules: z
      .union([z.string().refine((t) => t.trim() !== '', 'must not be empty'), z.record(z.string(), z.unknown())])
      .optional(),
    targetGroups: z.array(text(256)).min(1, 'must name at least one group when given').optional(),
    mode: z.enum(['plan', 'apply']).default('apply'),
    overrides: overridesSchema.optional(),
    /** Who asks for the run, recorded in the audit log. */
    requestedBy: text(200).optional(),
  })
  .refine((body) => !(body.rules !== undefined && body.rulesRef !== undefined), {
    message: 'give rules or rulesRef, not both',
    path: ['rulesRef'],
  });

/** A validated reconcile request. */
export type ReconcileRequest = z.output<typeof reconcileRequestSchema>;

/** Body of `POST /api/reconciliations/:id/approve` (the same object the Web UI's "Send a Signal" takes). */
export const approveRequestSchema = z.strictObject({
  by: text(200),
  planDigest: text(200),
  comment: text(2000).optional(),
});

/** Body of `POST /api/reconciliations/:id/reject`. */
export const rejectRequestSchema = z.strictObject({
  by: text(200),
  reason: text(2000),
});

/**
 * Turns a validated request into the workflow input. A request without `rules` or `rulesRef` (the tutorial's body)
 * uses `defaultRulesRef`; the mode defaults to `apply` because the tutorial's endpoint applied changes (the
 * approval policy still gates risky plans).
 *
 * @returns `undefined` when the request names no rules and the server has no default.
 */
export function toReconcileInput(request: ReconcileRequest, defaultRulesRef?: string): ReconcileInput | undefined {
  const rulesRef = request.rules === undefined ? (request.rulesRef ?? defaultRulesRef) : undefined;
  if (request.rules === undefined && rulesRef === undefined) return undefined;
  const input: ReconcileInput = { mode: request.mode, requestedBy: request.requestedBy ?? 'http-api' };
  if (request.rules !== undefined) input.rules = request.rules;
  if (rulesRef !== undefined) input.rulesRef = rulesRef;
  if (request.targetGroups) input.targetGroups = request.targetGroups;
  if (request.overrides && Object.keys(request.overrides).length) input.overrides = request.overrides;
  return input;
}
