/** `recordAudit`: appends workflow-level audit events (run, plan, approval, abort). Idempotent per event id. */
import type { AuditEvent } from '../src/audit/entry';
import type { ActivityDeps } from './deps';
import type { AuditEventInput } from './types';

export function makeRecordAudit(deps: ActivityDeps) {
  return async function recordAudit(events: AuditEventInput[]): Promise<{ appended: number; skipped: number }> {
    return deps.audit.append(events as AuditEvent[]);
  };
}
