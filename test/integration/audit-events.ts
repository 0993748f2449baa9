/** Test event builders shared by the audit test files. */
import type { AuditEvent, MembershipChangeEvent } from '../../src/audit/entry';

const BASE_TIME = Date.UTC(2025, 0, 1);

/** The n-th membership change of a fictional run; `at` advances one second per n. */
export function membershipEvent(n: number, overrides: Partial<MembershipChangeEvent> = {}): MembershipChangeEvent {
  return {
    type: 'membership.change',
    id: `wf-1/run-1/membership/g-1/add/u-${n}`,
    at: new Date(BASE_TIME + n * 1000).toISOString(),
    workflowId: 'wf-1',
    runId: 'run-1',
    groupId: 'g-1',
    groupName: 'Sales, "EMEA"',
    userId: `u-${n}`,
    op: 'add',
    batchIndex: Math.floor(n / 50),
    groupVersion: 7,
    outcome: 'applied',
    httpStatus: 200,
    ...overrides,
  };
}

/** `count` membership changes numbered from `from`. */
export function membershipEvents(count: number, from = 0): MembershipChangeEvent[] {
  return Array.from({ length: count }, (_, i) => membershipEvent(from + i));
}

/** One event of every type, in a plausible run order. */
export function runEvents(): AuditEvent[] {
  const run = { workflowId: 'wf-2', runId: 'run-2' };
  const at = (s: number): string => new Date(BASE_TIME + s * 1000).toISOString();
  const id = (suffix: string): string => `wf-2/run-2/${suffix}`;
  return [
    { ...run, type: 'run.started', id: id('run-started'), at: at(0), actor: 'schedule', mode: 'apply' },
    { ...run, type: 'plan.created', id: id('plan-created'), at: at(1), planDigest: 'd1', totals: { adds: 1 } },
    {
      ...run,
      type: 'approval.refused',
      id: id('approval-refused/0'),
      at: at(2),
      actor: 'bob',
      planDigest: 'd0',
      expectedDigest: 'd1',
    },
    { ...run, type: 'approval.granted', id: id('approval-granted'), at: at(3), actor: 'alice', planDigest: 'd1' },
    {
      ...run,
      type: 'membership.change',
      id: id('membership/g-1/add/u-1'),
      at: at(4),
      groupId: 'g-1',
      groupName: 'Sales',
      userId: 'u-1',
      op: 'add',
      batchIndex: 0,
      groupVersion: 3,
      outcome: 'applied',
      httpStatus: 200,
      approvalRef: id('approval-granted'),
    },
    {
      ...run,
      type: 'scim.notify',
      id: id('scim/g-1'),
      at: at(5),
      groupId: 'g-1',
      idpGroupId: 'idp-1',
      ops: 1,
      outcome: 'sent',
      httpStatus: 204,
    },
    { ...run, type: 'group.failed', id: id('group-failed/g-2'), at: at(6), groupId: 'g-2', reason: '403 forbidden' },
    { ...run, type: 'approval.rejected', id: id('approval-rejected'), at: at(7), actor: 'carol', planDigest: 'd1' },
    { ...run, type: 'approval.expired', id: id('approval-expired'), at: at(8), planDigest: 'd1' },
    { ...run, type: 'run.aborted', id: id('run-aborted'), at: at(9), reason: 'cycle', message: 'a → b → a' },
    { ...run, type: 'run.finished', id: id('run-finished'), at: at(10), status: 'succeeded' },
  ];
}
