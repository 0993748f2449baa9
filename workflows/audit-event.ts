/**
 * The audit events the workflows write themselves (run started/finished, plan, approval decisions, failed groups):
 * one shape, one id scheme. An event's id is `<workflowId>/<runId>/<key>`, so a retried `recordAudit` or a replayed
 * workflow task writes the same entry once. Pure: imports nothing but types.
 */
import type { AuditEventInput, RunContext } from '../activities/types';

/** Event-specific fields (everything but the identity the helper fills in). */
export type AuditFields = Omit<AuditEventInput, 'type' | 'id' | 'workflowId' | 'runId' | 'at'>;

/**
 * An audit event of this run.
 *
 * @param key unique within the run, e.g. `run-started`, `group-failed/<groupId>`
 * @param at ISO time; defaults to the workflow's clock (deterministic inside a workflow)
 */
export function auditEvent(
  ctx: RunContext,
  type: string,
  key: string,
  fields: AuditFields = {},
  at: string = new Date().toISOString(),
): AuditEventInput {
  // Identity last: no event field can overwrite it.
  return {
    ...fields,
    workflowId: ctx.workflowId,
    runId: ctx.runId,
    type,
    id: `${ctx.workflowId}/${ctx.runId}/${key}`,
    at,
  };
}
