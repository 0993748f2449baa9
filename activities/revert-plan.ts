/**
 * `computeRevertPlan`: the plan that undoes a run, for `gcsync revert`. The run's applied membership changes come
 * from the audit log (read whole and hash-chain verified, so a tampered or truncated-in-the-middle log is refused);
 * only the groups it changed are read, and only the users it removed are looked up (are they still active?). The
 * result has the shape `prepareRun` + `computePlan` give a rules run, and the plan is stored the same way, so the
 * gate, the apply children, the SCIM deltas and the ownership ledger work unchanged.
 *
 * The reverted run's own stored rules give the policy (with this run's overrides) and its stored targets give each
 * group's mode and IdP group id. Anything missing or inconsistent refuses the revert before anything is written.
 */
import { createHash } from 'node:crypto';
import { heartbeat } from '@temporalio/activity';
import { verifyChain } from '../src/audit/verify';
import type { AuditEntry } from '../src/audit/entry';
import { buildPlan, planDigest } from '../src/core/plan';
import { evaluateApproval } from '../src/core/policy';
import {
  collectRunChanges,
  latestRunOf,
  planRevertGroup,
  revertRefusal,
  type RevertAuditEntry,
  type RevertGroupPlan,
} from '../src/core/revert';
import type { RulesDocument } from '../src/core/rules-schema';
import type { PlannedMember } from '../workflows/messages';
import { blobKeys, type ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';
import { storePlan } from './plan-store';
import { effectivePolicy } from './prepare-run';
import { roleGrantsOfChanged } from './role-grants-read';
import type {
  ComputeRevertPlanInput,
  ComputeRevertPlanResult,
  EffectivePolicy,
  ResolvedTarget,
  RunContext,
} from './types';

/** Ids per `GET /api/v2/users?id=` read. */
const USERS_BATCH = 100;
/** Audit entries read between two heartbeats. */
const ENTRIES_PER_HEARTBEAT = 5_000;

type Refused = Extract<ComputeRevertPlanResult, { ok: false }>;
const refuse = (message: string): Refused => ({ ok: false, kind: 'revert-refused', message });

export function makeRevertPlanActivities(deps: ActivityDeps) {
  async function computeRevertPlan({ ctx, input }: ComputeRevertPlanInput): Promise<ComputeRevertPlanResult> {
    const target = input.revertOf;
    if (!target?.workflowId) return refuse('revertOf.workflowId is required');

    const read = await readRunEntries(target.workflowId);
    if (!read.ok) return read;
    const runId = target.runId ?? latestRunOf(read.entries, target.workflowId);
    if (!runId) return refuse(`no run of workflow ${target.workflowId} is in the audit log: nothing to revert`);
    const reverted: RunContext = { workflowId: target.workflowId, runId };
    const changes = collectRunChanges(read.entries, reverted);
    const refusal = revertRefusal(changes);
    if (refusal) return refuse(refusal);

    const stored = await storedSetupOf(reverted);
    if (!stored.ok) return stored;
    let policy: EffectivePolicy;
    try {
      policy = effectivePolicy(stored.doc, input, deps);
    } catch (err) {
      return refuse(`overrides: ${(err as Error).message}`);
    }
    const targetsById = new Map(stored.targets.map((t) => [t.groupId, t]));
    const unknown = changes.groups.filter((g) => !targetsById.has(g.groupId));
    if (unknown.length) {
      return refuse(
        `the audit log has changes of run ${runLabel(reverted)} to group(s) ${unknown.map((g) => g.groupName).join(', ')} ` +
          'that its stored targets do not list: refusing an inconsistent record',
      );
    }

    // The groups concerned, in the reverted run's plan order; each read fresh (version, individuals).
    const concerned = new Map(changes.groups.map((g) => [g.groupId, g]));
    const observed = new Map<string, { version: number; individuals: string[] }>();
    const targets: ResolvedTarget[] = [];
    for (const t of stored.targets) {
      if (!concerned.has(t.groupId)) continue;
      const group = await readGroup(t.groupId, t.groupName);
      observed.set(t.groupId, group);
      targets.push({ ...t, version: group.version });
      heartbeat({ phase: 'revert: groups' });
    }
    const userIds = [...new Set(changes.groups.flatMap((g) => [...g.added, ...g.removed]))].sort();
    const users = await readUsers(userIds);
    const active = new Set([...users.values()].filter((u) => u.active).map((u) => u.id));

    const groupReverts: RevertGroupPlan[] = targets.map((t) =>
      planRevertGroup({
        changes: concerned.get(t.groupId)!,
        mode: t.mode,
        current: observed.get(t.groupId)!.individuals,
        active,
      }),
    );
    const planned = buildPlan(groupReverts.map((g) => g.plan));
    const digest = planDigest(planned, () => createHash('sha256'));
    const approval = evaluateApproval(policy, planned, {
      roleGrantsByGroupId: await roleGrantsOfChanged(deps, planned.groups, targets),
    });
    approval.warnings.push(...revertWarnings(reverted, groupReverts));
    const revertOf = { workflowId: reverted.workflowId, runId: reverted.runId };
    // This run's own copy of the rules and targets, as prepareRun would store them: a revert can be reverted too.
    const storedRules = await deps.blobs.put(blobKeys.rules(ctx), stored.doc);
    const storedTargets = await deps.blobs.put(blobKeys.targets(ctx), targets);
    const plan = await storePlan(deps, {
      ctx,
      planned,
      targets,
      planId: `revert-${digest.slice(0, 12)}-${ctx.runId.slice(0, 8)}`,
      digest,
      approval,
      observed: (groupId) => observed.get(groupId)!,
      desired: (t) => {
        const p = planned.groups[targets.indexOf(t)];
        const removing = new Set(p.toRemove);
        return [...observed.get(t.groupId)!.individuals.filter((id) => !removing.has(id)), ...p.toAdd].sort();
      },
      membersOf: (_t, ids, kind) => ids.map((id) => revertMember(users.get(id), id, kind)),
      confirmedById: 0,
      activeUsers: 0,
      revertOf,
      pause: async () => heartbeat({ phase: 'revert: storing' }),
    });
    return {
      ok: true,
      revertOf,
      plan,
      prepared: {
        ok: true,
        rulesRef: storedRules.ref,
        targetsRef: storedTargets.ref,
        targetCount: targets.length,
        expand: [],
        policy,
      },
    };
  }

  /**
   * The entries of `workflowId`, from a full read of the audit log that verifies its hash chain on the way: a log
   * that cannot be read or whose chain is broken is no basis for writes.
   */
  async function readRunEntries(workflowId: string): Promise<{ ok: true; entries: RevertAuditEntry[] } | Refused> {
    const entries: RevertAuditEntry[] = [];
    let seen = 0;
    async function* tap(): AsyncGenerator<AuditEntry> {
      for await (const entry of deps.audit.read()) {
        if (entry.workflowId === workflowId) entries.push(entry);
        if (++seen % ENTRIES_PER_HEARTBEAT === 0) heartbeat({ phase: 'revert: audit', entries: seen });
        yield entry;
      }
    }
    const verified = await verifyChain(tap());
    if (!verified.ok)
      return refuse(`the audit log cannot be trusted (${verified.message}): refusing to revert from it`);
    return { ok: true, entries };
  }

  /** The reverted run's stored rules and targets (written by its `prepareRun`). */
  async function storedSetupOf(
    run: RunContext,
  ): Promise<{ ok: true; doc: RulesDocument; targets: ResolvedTarget[] } | Refused> {
    const rulesRef = blobKeys.rules(run);
    const targetsKey = blobKeys.targets(run);
    if (!(await deps.blobs.has(rulesRef)) || !(await deps.blobs.has(targetsKey))) {
      return refuse(
        `the stored rules or targets of run ${runLabel(run)} are gone from the plan store (needed for its policy, ` +
          'group modes and IdP group ids): refusing to revert',
      );
    }
    return {
      ok: true,
      doc: await deps.blobs.get<RulesDocument>(rulesRef),
      targets: await deps.blobs.get<ResolvedTarget[]>(targetsKey),
    };
  }

  async function readGroup(groupId: string, groupName: string): Promise<{ version: number; individuals: string[] }> {
    try {
      const group = await deps.directory.getGroup(groupId);
      const individuals = await deps.directory.getIndividuals(groupId);
      return { version: group.version, individuals };
    } catch (err) {
      throw toDirectoryFailure(err, `reading group ${groupName} to revert it`);
    }
  }

  /** The users among `ids` the directory still has, with their name, e-mail and whether they are active. */
  async function readUsers(
    ids: readonly string[],
  ): Promise<Map<string, { id: string; name?: string; email?: string; active: boolean }>> {
    const found = new Map<string, { id: string; name?: string; email?: string; active: boolean }>();
    for (let i = 0; i < ids.length; i += USERS_BATCH) {
      const batch = ids.slice(i, i + USERS_BATCH);
      let users;
      try {
        users = await deps.directory.getUsersByIds(batch, []);
      } catch (err) {
        throw toDirectoryFailure(err, 'reading the users the reverted run changed');
      }
      const wanted = new Set(batch);
      for (const u of users) {
        const id = String(u.id ?? '');
        if (!wanted.has(id)) continue;
        found.set(id, {
          id,
          ...(u.name ? { name: String(u.name) } : {}),
          ...(u.email ? { email: String(u.email) } : {}),
          active: u.state === 'active',
        });
      }
      heartbeat({ phase: 'revert: users', done: i + batch.length });
    }
    return found;
  }

  return { computeRevertPlan };
}

function runLabel(run: RunContext): string {
  return `${run.workflowId}/${run.runId}`;
}

/**
 * A planned member of a revert: the clause is `revert`, the reason says what the reverted run did (the plan itself
 * names that run, so each line need not).
 */
function revertMember(
  user: { name?: string; email?: string } | undefined,
  id: string,
  kind: 'add' | 'remove',
): PlannedMember {
  return {
    id,
    ...(user?.name ? { name: user.name } : {}),
    ...(user?.email ? { email: user.email } : {}),
    clause: 'revert',
    reason: `revert: ${kind === 'add' ? 'removed' : 'added'} by the reverted run`,
  };
}

/** What the revert leaves alone, one line per kind, so the approver sees the run is not undone entirely. */
function revertWarnings(run: RunContext, groups: readonly RevertGroupPlan[]): string[] {
  const count = (pick: (g: RevertGroupPlan) => readonly string[]) => groups.reduce((n, g) => n + pick(g).length, 0);
  const label = runLabel(run);
  const lines: string[] = [];
  const gone = count((g) => g.addedNoLongerMembers);
  const back = count((g) => g.removedMembersAgain);
  const inactive = count((g) => g.removedGoneOrInactive);
  if (gone) lines.push(`revert: ${gone} member(s) added by ${label} are no longer members (left as they are)`);
  if (back) lines.push(`revert: ${back} member(s) removed by ${label} are members again (left as they are)`);
  if (inactive) {
    lines.push(`revert: ${inactive} user(s) removed by ${label} no longer exist or are not active (not added back)`);
  }
  return lines;
}
