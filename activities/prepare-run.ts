/**
 * `prepareRun`: loads and validates the rules, resolves the target groups against Genesys and computes the
 * effective policy. Invalid rules, nesting cycles and unknown groups come back as a result (not a thrown error)
 * so the workflow can audit the abort and end before anything is written.
 */
import { heartbeat } from '@temporalio/activity';
import { parseDuration } from '../src/core/duration';
import { resolveGroupRefs } from '../src/core/group-refs';
import { resolveFailsafeSettings } from '../src/core/policy-schema';
import { findRoleFeedbackLoops, type RoleFeedbackLoop, type RoleGrant } from '../src/core/role-grants';
import { attributeSelectors } from '../src/core/selector-walk';
import { rulesNeedExpand } from '../src/core/rules-expand';
import type { RulesDocument } from '../src/core/rules-schema';
import { RulesValidationError } from '../src/core/rules-validate';
import { idpGroupIdFor } from '../src/core/scim-map';
import type { ReconcileInput } from '../workflows/messages';
import { blobKeys, type ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';
import { loadRules } from './rules-source';
import type { EffectivePolicy, PrepareRunInput, PrepareRunResult, ResolvedTarget } from './types';

const DEFAULT_CONCURRENCY = 16;

export function makePrepareRun(deps: ActivityDeps) {
  return async function prepareRun({ ctx, input }: PrepareRunInput): Promise<PrepareRunResult> {
    let doc: RulesDocument;
    try {
      doc = await loadRules(input, deps);
    } catch (err) {
      if (err instanceof RulesValidationError) {
        const kind = err.cycle ? 'cycle' : err.unknownGroups.length ? 'unknown-groups' : 'invalid-rules';
        return { ok: false, kind, message: err.message, ...(err.cycle ? { cycle: [...err.cycle] } : {}) };
      }
      throw err;
    }

    const ruleKeys = doc.groups.map((g) => g.group);
    const wanted = input.targetGroups?.length ? input.targetGroups : ruleKeys;
    const notInRules = wanted.filter((key) => !ruleKeys.includes(key));

    let groups;
    try {
      groups = await deps.directory.listAllGroups();
    } catch (err) {
      throw toDirectoryFailure(err, 'listing groups');
    }
    heartbeat({ phase: 'groups listed' });
    // Every rule group must exist (nested ones feed their parents even when not targeted).
    const resolution = resolveGroupRefs(ruleKeys, groups);
    // Tutorial-style requests name the target groups by name or id: accept either for a group in the rules.
    const byKeyOrId = new Map<string, string>();
    for (const r of resolution.resolved) {
      byKeyOrId.set(r.key, r.key);
      byKeyOrId.set(r.groupId, r.key);
      byKeyOrId.set(r.groupName, r.key);
    }
    const unknownTargets = notInRules.filter((key) => !byKeyOrId.has(key));
    const errors = [
      ...resolution.errors,
      ...unknownTargets.map((key) => `target group "${key}" is not defined in the rules`),
    ];
    if (errors.length) {
      return { ok: false, kind: 'unknown-groups', message: errors.join('; ') };
    }

    const versions = new Map(groups.map((g) => [g.id, g.version]));
    const rolesEnabled = new Map(groups.map((g) => [g.id, g.rolesEnabled]));
    const memberCounts = new Map(groups.map((g) => [g.id, g.memberCount]));
    const loops = await roleFeedbackLoops(doc, resolution.resolved, rolesEnabled, deps);
    if (loops.length) return { ok: false, kind: 'invalid-rules', message: loops.map((l) => l.message).join('; ') };
    const targetKeys = new Set(wanted.map((key) => byKeyOrId.get(key) ?? key));
    const rulesByKey = new Map(doc.groups.map((g) => [g.group, g]));
    const targets: ResolvedTarget[] = resolution.resolved
      .filter((r) => targetKeys.has(r.key))
      .map((r) => ({
        key: r.key,
        groupId: r.groupId,
        groupName: r.groupName,
        mode: rulesByKey.get(r.key)!.mode,
        idpGroupId: idpGroupIdFor(doc.scim, { groupId: r.groupId, groupName: r.groupName, key: r.key }),
        version: versions.get(r.groupId) ?? 0,
        ...(rolesEnabled.get(r.groupId) === false ? { rolesEnabled: false } : {}),
        ...(memberCounts.get(r.groupId) !== undefined ? { memberCount: memberCounts.get(r.groupId) } : {}),
      }));

    let policy: EffectivePolicy;
    try {
      policy = effectivePolicy(doc, input, deps);
    } catch (err) {
      return { ok: false, kind: 'invalid-rules', message: `overrides: ${(err as Error).message}` };
    }
    const stored = await deps.blobs.put(blobKeys.rules(ctx), doc);
    const storedTargets = await deps.blobs.put(blobKeys.targets(ctx), targets);
    return {
      ok: true,
      rulesRef: stored.ref,
      targetsRef: storedTargets.ref,
      targetCount: targets.length,
      expand: rulesNeedExpand(doc),
      policy,
    };
  };
}

/**
 * The rules file's policy with the run's overrides and the worker's defaults applied.
 *
 * @throws Error when an override's duration does not parse.
 */
export function effectivePolicy(
  doc: Pick<RulesDocument, 'policy'>,
  input: Pick<ReconcileInput, 'overrides'>,
  deps: Pick<ActivityDeps, 'defaultConcurrency'>,
): EffectivePolicy {
  const o = input.overrides ?? {};
  return {
    ...resolveFailsafeSettings(doc.policy),
    requireApproval: o.requireApproval ?? doc.policy.requireApproval,
    maxRemovals: o.maxRemovals ?? doc.policy.maxRemovals,
    maxRemovalRatio: o.maxRemovalRatio ?? doc.policy.maxRemovalRatio,
    approvalTimeoutMs: parseDuration(o.approvalTimeout ?? doc.policy.approvalTimeout),
    concurrency: Math.max(1, o.concurrency ?? deps.defaultConcurrency ?? DEFAULT_CONCURRENCY),
  };
}

/**
 * Rules whose `role` selector names a role their own group (or a group including it) grants: joining the group would
 * change whether the rule selects the member. Grants are read only when the rules select on roles at all, and only
 * for groups whose listing entry does not already say roles are off.
 */
async function roleFeedbackLoops(
  doc: RulesDocument,
  resolved: readonly { key: string; groupId: string }[],
  rolesEnabled: ReadonlyMap<string, boolean | undefined>,
  deps: ActivityDeps,
): Promise<RoleFeedbackLoop[]> {
  const read = deps.directory.getRoleGrants?.bind(deps.directory);
  const selectsOnRoles = doc.groups.some((rule) => attributeSelectors(rule).some((s) => s.selector.kind === 'role'));
  if (!read || !selectsOnRoles) return [];
  const grants: Record<string, RoleGrant[]> = {};
  for (const { groupId } of resolved) {
    if (rolesEnabled.get(groupId) === false) continue;
    try {
      grants[groupId] = await read(groupId);
    } catch (err) {
      throw toDirectoryFailure(err, `reading the role grants of group ${groupId}`);
    }
    heartbeat({ phase: 'role grants' });
  }
  return findRoleFeedbackLoops(doc, grants, Object.fromEntries(resolved.map((r) => [r.key, r.groupId])));
}
