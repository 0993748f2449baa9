/**
 * The removal guards and Genesys-native checks behind the approval gate (Internet2 Grouper's failsafe set is
 * the model). Each check reports what it looked at, whether it tripped and, when it gates, a reason sentence
 * for `gcsync plan` and the audit trail. `policy.ts` decides which of them gate under which approval mode.
 */
import type { DirectoryUser } from './directory-user';
import type { GroupPlan } from './diff';
import { compileSelector } from './evaluate';
import type { FailsafeSettings, Policy } from './policy-schema';
import { NestingGraph } from './nesting-graph';
import { describeGrant, type GrantsByGroupId } from './role-grants';
import type { RulesDocument } from './rules-schema';
import { attributeSelectors, describeSelector } from './selector-walk';

/** Names of the checks, as they appear in {@link FailsafeCheck.name} (each is the policy field that sets it). */
export type CheckName =
  | 'maxRemovals'
  | 'maxRemovalRatio'
  | 'maxIndividualMembers'
  | 'minMembersAfter'
  | 'maxGroupsLosingMembersRatio'
  | 'maxTotalRemovals'
  | 'maxActiveUsersDropRatio'
  | 'approveRoleGrantingGroups'
  | 'approveUnmatchedSelectorRemovals';

/**
 * One check's outcome. Group checks give one entry per tripped group (with `groupId`), or a single summary
 * entry without `groupId` when no group tripped; run-wide checks give one entry.
 */
export interface FailsafeCheck {
  name: CheckName;
  tripped: boolean;
  /** What was checked and found, in operator language (also for checks that did not trip or were skipped). */
  detail: string;
  groupId?: string;
}

/** The outcome of a family of checks: every entry, and the reasons of the tripped ones. */
export interface CheckResults {
  checks: FailsafeCheck[];
  /** One sentence per tripped check, in check order. */
  reasons: string[];
}

/** A rule's attribute selector that matches no active user (a typo, or a missing `expand`). */
export interface UnmatchedSelector {
  ruleIndex: number;
  rule: string;
  /** Path inside the entry, e.g. `include.any[0].department`. */
  path: string;
  /** As written, e.g. `department: Salse`. */
  selector: string;
  /**
   * Whether matching no one can only take members away: a selector in `include` (under an even number of `not`), or
   * in `exclude` under an odd number. The others (an unmatched `exclude`, a negated include) only let more in.
   */
  narrows: boolean;
}

/** Facts about the run that the plan alone does not carry. Every field is optional; absent = not checked. */
export interface ApprovalContext {
  /** Active users in this run's snapshot. */
  activeUsers?: number;
  /** Active users in the snapshot of the last completed run; `undefined` on the first run. */
  previousActiveUsers?: number;
  /**
   * Role grants of the target groups, by group id. When given, a changed group missing from it counts as a
   * role-granting group (its grants are unknown: fail closed). When absent, the role check is reported as not
   * checked.
   */
  roleGrantsByGroupId?: GrantsByGroupId;
  /** Selectors that match no active user (from {@link findUnmatchedSelectors}); turned into warnings. */
  unmatchedSelectors?: readonly UnmatchedSelector[];
  /**
   * The narrowing unmatched selectors behind each target group, by group id (from
   * {@link narrowingUnmatchedByGroup}). When absent, `approveUnmatchedSelectorRemovals` reports not checked.
   */
  unmatchedSelectorsByGroupId?: ReadonlyMap<string, readonly UnmatchedSelector[]>;
}

/** Individual members a group has once its plan is applied. */
export function individualsAfter(group: GroupPlan): number {
  return group.currentCount - group.toRemove.length + group.toAdd.length;
}

function groupLabel(group: Pick<GroupPlan, 'groupId' | 'groupName'>): string {
  return group.groupName || group.groupId;
}

function changed(group: GroupPlan): boolean {
  return group.toAdd.length > 0 || group.toRemove.length > 0;
}

/** Adds a run-wide check (and its reason when tripped). */
function runWide(results: CheckResults, name: CheckName, tripped: boolean, detail: string): void {
  results.checks.push({ name, tripped, detail });
  if (tripped) results.reasons.push(detail);
}

/**
 * Adds a per-group check: one entry per tripped group, or one summary entry when none tripped.
 * `trip` returns the reason for a group that trips, `undefined` otherwise.
 */
function perGroup(
  results: CheckResults,
  name: CheckName,
  groups: readonly GroupPlan[],
  trip: (group: GroupPlan) => string | undefined,
  passed: string,
): void {
  let any = false;
  for (const group of groups) {
    const reason = trip(group);
    if (reason === undefined) continue;
    any = true;
    results.checks.push({ name, tripped: true, detail: reason, groupId: group.groupId });
    results.reasons.push(reason);
  }
  if (!any) results.checks.push({ name, tripped: false, detail: passed });
}

/**
 * The `auto` thresholds: `maxRemovals` (total), `maxRemovalRatio` per group (groups smaller than
 * `minGroupSizeForRatio` and empty groups are skipped) and `maxIndividualMembers` (a changed group that gains
 * members and ends above the cap; a group only shrinking toward the cap is left alone). Limits are strict:
 * exactly at a limit passes.
 */
export function thresholdChecks(
  policy: Pick<Policy, 'maxRemovals' | 'maxRemovalRatio'> &
    Pick<FailsafeSettings, 'minGroupSizeForRatio' | 'maxIndividualMembers'>,
  groups: readonly GroupPlan[],
): CheckResults {
  const results: CheckResults = { checks: [], reasons: [] };
  const removals = groups.reduce((sum, group) => sum + group.toRemove.length, 0);
  runWide(
    results,
    'maxRemovals',
    removals > policy.maxRemovals,
    removals > policy.maxRemovals
      ? `run would remove ${removals} members in total (more than maxRemovals ${policy.maxRemovals})`
      : `run would remove ${removals} members in total (maxRemovals ${policy.maxRemovals})`,
  );

  const minSize = policy.minGroupSizeForRatio;
  perGroup(
    results,
    'maxRemovalRatio',
    groups,
    (group) => {
      const removed = group.toRemove.length;
      // An empty group cannot lose a share of anything; a stale count must not divide into "Infinity%".
      if (removed === 0 || group.currentCount === 0 || group.currentCount < minSize) return undefined;
      const ratio = removed / group.currentCount;
      if (ratio <= policy.maxRemovalRatio) return undefined;
      const [actual, limit] = formatPercents(ratio, policy.maxRemovalRatio);
      return `group ${groupLabel(group)} would lose ${removed} of ${group.currentCount} members (${actual} > ${limit})`;
    },
    `no group would lose more than ${percent(policy.maxRemovalRatio, 2)} of its members` +
      (minSize > 0 ? ` (groups below minGroupSizeForRatio ${minSize} not checked)` : ''),
  );

  const cap = policy.maxIndividualMembers;
  if (cap === 'off') {
    runWide(results, 'maxIndividualMembers', false, 'off');
  } else {
    perGroup(
      results,
      'maxIndividualMembers',
      groups,
      (group) => {
        const after = individualsAfter(group);
        if (group.toAdd.length === 0 || after <= cap) return undefined;
        return `group ${groupLabel(group)} would have ${after} individual members (more than maxIndividualMembers ${cap}; Genesys recommends at most 1,000 individually added members per group)`;
      },
      `no changed group would grow above ${cap} individual members`,
    );
  }
  return results;
}

/**
 * The failsafes: `minMembersAfter`, `maxGroupsLosingMembersRatio`, `maxTotalRemovals`,
 * `maxActiveUsersDropRatio`, `approveRoleGrantingGroups` and `approveUnmatchedSelectorRemovals`. A failsafe set
 * to `off` (or `false`) reports
 * `off`; one whose input is missing from `context` reports why it was not checked. Limits are strict.
 */
export function failsafeChecks(
  settings: FailsafeSettings,
  groups: readonly GroupPlan[],
  context: ApprovalContext,
): CheckResults {
  const results: CheckResults = { checks: [], reasons: [] };

  const floor = settings.minMembersAfter;
  if (floor === 'off') {
    runWide(results, 'minMembersAfter', false, 'off');
  } else {
    perGroup(
      results,
      'minMembersAfter',
      groups,
      (group) => {
        const after = individualsAfter(group);
        if (group.toRemove.length === 0 || after >= floor) return undefined;
        return `group ${groupLabel(group)} would be left with ${after} individual members after losing ${group.toRemove.length} (fewer than minMembersAfter ${floor})`;
      },
      `no group losing members would drop below ${floor} individual members`,
    );
  }

  const groupsRatio = settings.maxGroupsLosingMembersRatio;
  if (groupsRatio === 'off') {
    runWide(results, 'maxGroupsLosingMembersRatio', false, 'off');
  } else if (groups.length === 0) {
    runWide(results, 'maxGroupsLosingMembersRatio', false, 'no target groups');
  } else {
    const losing = groups.filter((group) => group.toRemove.length > 0).length;
    const ratio = losing / groups.length;
    const [actual, limit] = formatPercents(ratio, groupsRatio);
    runWide(
      results,
      'maxGroupsLosingMembersRatio',
      ratio > groupsRatio,
      ratio > groupsRatio
        ? `${losing} of ${groups.length} target groups would lose members (${actual} > ${limit}, maxGroupsLosingMembersRatio)`
        : `${losing} of ${groups.length} target groups would lose members (limit ${limit})`,
    );
  }

  const totalCap = settings.maxTotalRemovals;
  if (totalCap === 'off') {
    runWide(results, 'maxTotalRemovals', false, 'off');
  } else {
    const removals = groups.reduce((sum, group) => sum + group.toRemove.length, 0);
    runWide(
      results,
      'maxTotalRemovals',
      removals > totalCap,
      removals > totalCap
        ? `run would remove ${removals} members in total (more than maxTotalRemovals ${totalCap})`
        : `run would remove ${removals} members in total (maxTotalRemovals ${totalCap})`,
    );
  }

  shrinkGuard(results, settings.maxActiveUsersDropRatio, context);
  roleGrantingGroups(results, settings.approveRoleGrantingGroups, groups, context);
  unmatchedSelectorRemovals(results, settings.approveUnmatchedSelectorRemovals, groups, context);
  return results;
}

function unmatchedSelectorRemovals(
  results: CheckResults,
  enabled: boolean,
  groups: readonly GroupPlan[],
  ctx: ApprovalContext,
): void {
  const name = 'approveUnmatchedSelectorRemovals';
  if (!enabled) return runWide(results, name, false, 'off');
  const byGroup = ctx.unmatchedSelectorsByGroupId;
  if (byGroup === undefined) return runWide(results, name, false, 'not checked: unmatched selectors were not given');
  perGroup(
    results,
    name,
    groups,
    (group) => {
      const sites = byGroup.get(group.groupId) ?? [];
      if (group.toRemove.length === 0 || sites.length === 0) return undefined;
      const [first] = sites;
      const more = sites.length > 1 ? ` and ${sites.length - 1} more` : '';
      return (
        `group ${groupLabel(group)} would lose ${group.toRemove.length} members while the selector ` +
        `${first.selector} (groups[${first.ruleIndex}].${first.path} in '${first.rule}')${more} matches no active ` +
        'user: renamed in Genesys, or a typo? (approveUnmatchedSelectorRemovals)'
      );
    },
    'no group losing members has a selector that matches no active user',
  );
}

/**
 * The unmatched selectors that can take members away from each group written in `rules`: those of its own entry
 * and of every entry it includes (transitively), keyed by the group as written. Groups with none are left out.
 */
export function narrowingUnmatchedByGroup(
  rules: Pick<RulesDocument, 'groups'>,
  unmatched: readonly UnmatchedSelector[],
): Map<string, UnmatchedSelector[]> {
  const own = new Map<string, UnmatchedSelector[]>();
  for (const site of unmatched) {
    if (!site.narrows) continue;
    const list = own.get(site.rule) ?? [];
    list.push(site);
    own.set(site.rule, list);
  }
  const result = new Map<string, UnmatchedSelector[]>();
  if (own.size === 0) return result;
  const graph = NestingGraph.fromRules(rules);
  for (const group of graph.groups) {
    const found: UnmatchedSelector[] = [];
    const seen = new Set<string>();
    const visit = (key: string): void => {
      if (seen.has(key)) return;
      seen.add(key);
      found.push(...(own.get(key) ?? []));
      for (const child of graph.includes(key)) visit(child);
    };
    visit(group);
    if (found.length > 0) result.set(group, found);
  }
  return result;
}

function shrinkGuard(
  results: CheckResults,
  maxDrop: FailsafeSettings['maxActiveUsersDropRatio'],
  ctx: ApprovalContext,
) {
  const name = 'maxActiveUsersDropRatio';
  if (maxDrop === 'off') return runWide(results, name, false, 'off');
  const { activeUsers: now, previousActiveUsers: before } = ctx;
  if (now === undefined) return runWide(results, name, false, 'not checked: active user count not given');
  if (before === undefined) return runWide(results, name, false, 'not checked: no completed run to compare with');
  if (before <= 0) return runWide(results, name, false, 'not checked: the last completed run saw no active users');
  const drop = (before - now) / before;
  if (drop <= maxDrop) {
    return runWide(results, name, false, `active users ${before} → ${now} since the last completed run`);
  }
  const [actual, limit] = formatPercents(drop, maxDrop);
  runWide(
    results,
    name,
    true,
    `active users fell from ${before} to ${now} since the last completed run (${actual} > ${limit}, maxActiveUsersDropRatio)`,
  );
}

function roleGrantingGroups(
  results: CheckResults,
  enabled: boolean,
  groups: readonly GroupPlan[],
  ctx: ApprovalContext,
): void {
  const name = 'approveRoleGrantingGroups';
  if (!enabled) return runWide(results, name, false, 'off');
  const grantsById = ctx.roleGrantsByGroupId;
  if (grantsById === undefined) return runWide(results, name, false, 'not checked: role grants were not read');
  const changedGroups = groups.filter(changed);
  perGroup(
    results,
    name,
    changedGroups,
    (group) => {
      const grants = grantsById[group.groupId];
      if (grants === undefined) {
        return `group ${groupLabel(group)} would change but its role grants are unknown (approveRoleGrantingGroups)`;
      }
      if (grants.length === 0) return undefined;
      return `group ${groupLabel(group)} grants roles ${grants.map(describeGrant).join(', ')}: changing its members changes their permissions (approveRoleGrantingGroups)`;
    },
    `no changed group grants roles (${changedGroups.length} checked)`,
  );
}

/**
 * Warnings shown in `plan` whatever the approval mode: selectors that match no active user, groups that
 * would lose their last individual member, and groups above `maxIndividualMembers` (changed or not).
 */
export function planWarnings(
  settings: Pick<FailsafeSettings, 'maxIndividualMembers'>,
  groups: readonly GroupPlan[],
  context: ApprovalContext,
): string[] {
  const warnings: string[] = [];
  for (const site of context.unmatchedSelectors ?? []) {
    warnings.push(`groups[${site.ruleIndex}].${site.path} (${site.selector}) in '${site.rule}' matches no active user`);
  }
  for (const group of groups) {
    const after = individualsAfter(group);
    if (group.currentCount > 0 && after === 0) {
      warnings.push(`group ${groupLabel(group)} would have no individual members left (${group.currentCount} now)`);
    }
    const cap = settings.maxIndividualMembers;
    if (cap !== 'off' && after > cap) {
      warnings.push(
        `group ${groupLabel(group)} would have ${after} individual members; Genesys recommends at most 1,000 individually added members per group (maxIndividualMembers ${cap})`,
      );
    }
  }
  return warnings;
}

/**
 * Every attribute selector (in `include` or `exclude`, at any depth) that matches none of the active `users`,
 * in rules order. A selector under `not` is reported too: the typo is the same.
 */
export function findUnmatchedSelectors(
  rules: Pick<RulesDocument, 'groups'>,
  users: readonly DirectoryUser[],
): UnmatchedSelector[] {
  const active = users.filter((user) => user.state === 'active');
  const found: UnmatchedSelector[] = [];
  rules.groups.forEach((rule, ruleIndex) => {
    for (const site of attributeSelectors(rule)) {
      const test = compileSelector(site.selector);
      if (!active.some(test)) {
        found.push({
          ruleIndex,
          rule: rule.group,
          path: site.path,
          selector: describeSelector(site.selector),
          narrows: site.inExclude === site.negated,
        });
      }
    }
  });
  return found;
}

/**
 * Two percentages with as few decimals as possible, but enough that a ratio just over the limit does not read
 * as "20% > 20%".
 */
export function formatPercents(actual: number, limit: number): [string, string] {
  for (let digits = 1; digits < 6; digits++) {
    const a = percent(actual, digits);
    const l = percent(limit, digits);
    if (a !== l) return [a, l];
  }
  return [percent(actual, 6), percent(limit, 6)];
}

function percent(ratio: number, digits: number): string {
  return `${Number((ratio * 100).toFixed(digits)).toString()}%`;
}
