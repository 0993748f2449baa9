/**
 * Mocked activities for workflow tests: plain functions with the real activities' names and types, answering a
 * small scripted run (a few groups, a plan that may need approval) and recording every call. No Genesys, store or
 * audit sink behind them, so a workflow test checks the orchestration only (gate, abort, children, audit events).
 *
 * @example
 * const acts = mockActivities({ approvalRequired: true });
 * const worker = await Worker.create({ ..., activities: acts.activities });
 * await worker.runUntil(handle.result());
 * expect(acts.calls.applyGroup).toHaveLength(0);
 */
import { activityInfo } from '@temporalio/activity';
import type { createActivities } from '../../activities';
import type { ApplyGroupInput, AuditEventInput, ChangedGroup, EffectivePolicy } from '../../activities/types';
import { parseDuration } from '../../src/core/duration';
import { DEFAULT_FAILSAFE_SETTINGS } from '../../src/core/policy-schema';
import type { PlanGroupSummary } from '../../workflows/messages';

/** Every activity the workflows call, with the real signatures. */
export type Activities = ReturnType<typeof createActivities>;

/** The digest the scripted plan reports (64 hex characters, like a real SHA-256). */
export const MOCK_PLAN_DIGEST = 'a'.repeat(64);

/** What the scripted run looks like; every field is optional. */
export interface MockScenario {
  /** Changed groups, in plan order. @default two groups, `g1` and `g2` */
  groups?: string[];
  /** Whether the plan needs approval. @default false */
  approvalRequired?: boolean;
  /** Replaces single activities (e.g. one that throws); calls are still recorded. */
  override?: Partial<Activities>;
}

/** The mocked activities plus what they saw. */
export interface MockActivities {
  activities: Activities;
  /** Arguments of each call, per activity name, in call order. */
  calls: Record<keyof Activities, unknown[]>;
  /** Every audit event `recordAudit` received, in order. */
  audit: AuditEventInput[];
  /** The changed groups the scripted plan lists. */
  changed: ChangedGroup[];
}

/**
 * Builds mocked activities for one scripted run. `applyGroup` adds one member and removes one per group and reports
 * SCIM as off unless overridden; `prepareRun` takes the approval timeout from `input.overrides.approvalTimeout`
 * (default `1h`), as the real one does, so a test makes the gate expire in seconds.
 */
export function mockActivities(scenario: MockScenario = {}): MockActivities {
  const groupIds = scenario.groups ?? ['g1', 'g2'];
  const changed: ChangedGroup[] = groupIds.map((id) => ({
    key: id,
    groupId: id,
    groupName: `Group ${id}`,
    mode: 'exact',
    idpGroupId: `idp-${id}`,
    version: 1,
    groupPlanRef: `blob:plan/${id}`,
  }));
  const summaries: PlanGroupSummary[] = changed.map((g) => ({
    groupId: g.groupId,
    groupName: g.groupName,
    mode: 'exact',
    adds: 1,
    removes: 1,
    unchanged: 0,
    currentCount: 1,
    desiredCount: 1,
  }));
  const audit: AuditEventInput[] = [];
  const defaults: Activities = {
    prepareRun: async ({ input }) => ({
      ok: true,
      rulesRef: 'blob:rules',
      targetsRef: 'blob:targets',
      targetCount: changed.length,
      expand: [],
      policy: policy(parseDuration(input.overrides?.approvalTimeout ?? '1h')),
    }),
    snapshotUsers: async () => ({ usersRef: 'blob:users', count: 10, pages: 1 }),
    readGroups: async () => ({ groupsRef: 'blob:groups', count: changed.length }),
    computePlan: async () => ({
      planId: 'plan-1',
      planRef: 'blob:plan',
      planDigest: MOCK_PLAN_DIGEST,
      totals: { groups: changed.length, groupsChanged: changed.length, adds: changed.length, removes: changed.length },
      approvalRequired: scenario.approvalRequired ?? false,
      approvalReasons: scenario.approvalRequired ? ['removes more than 0 members'] : [],
      changedRef: 'blob:changed',
      changedCount: changed.length,
      summariesRef: 'blob:summaries',
      confirmedById: 0,
      activeUsers: 10,
      warnings: [],
      failsafesTripped: [],
    }),
    loadPlanSummaries: async ({ offset, limit }) => summaries.slice(offset, offset + limit),
    loadChangedGroups: async ({ offset, limit }) => changed.slice(offset, offset + limit),
    recordCompletedRun: async () => undefined,
    applyGroup: async (input: ApplyGroupInput) => ({
      groupId: input.groupId,
      added: 1,
      removed: 1,
      appliedRef: `blob:applied/${input.groupId}`,
      conflictsResolved: 0,
      scimEnabled: false,
    }),
    notifyScim: async () => ({ status: 'notified', requests: 1, ops: 2 }),
    deliverScimOutbox: async () => ({ delivered: [], pending: [] }),
    listScimOutbox: async () => [],
    notifyRun: async () => ({ status: 'off' }),
    // Only runs started by a schedule call these; the scripted runs are started directly.
    checkScheduledOverlap: async () => notScripted('checkScheduledOverlap'),
    resolveScheduledOverlap: async () => notScripted('resolveScheduledOverlap'),
    // Only revert runs (`revertOf`) call this.
    computeRevertPlan: async () => notScripted('computeRevertPlan'),
    recordAudit: async (events: AuditEventInput[]) => {
      audit.push(...events);
      return { appended: events.length, skipped: 0 };
    },
  };
  const impl = { ...defaults, ...scenario.override } as Activities;
  const calls = Object.fromEntries(Object.keys(defaults).map((k) => [k, []])) as unknown as MockActivities['calls'];
  const recorded = Object.fromEntries(
    Object.entries(impl).map(([name, fn]) => [
      name,
      (arg: unknown) => {
        calls[name as keyof Activities].push(arg);
        return (fn as (a: unknown) => unknown)(arg);
      },
    ]),
  ) as unknown as Activities;
  return { activities: recorded, calls, audit, changed };
}

function notScripted(name: string): never {
  throw new Error(`mockActivities: ${name} is not scripted (pass it in scenario.override)`);
}

/** The attempt number of the running activity (1 on the first attempt). */
export function currentAttempt(): number {
  return activityInfo().attempt;
}

function policy(approvalTimeoutMs: number): EffectivePolicy {
  return {
    ...DEFAULT_FAILSAFE_SETTINGS,
    requireApproval: 'auto',
    maxRemovals: 0,
    maxRemovalRatio: 1,
    approvalTimeoutMs,
    concurrency: 2,
  };
}
