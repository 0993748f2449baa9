/**
 * Groups that grant roles. In Genesys a group can be the subject of role + division grants (CX as Code
 * `genesyscloud_group_roles`), and its members receive them: changing such a group's membership changes
 * people's permissions. Two consequences live here: a rule whose `role` selector names a role its own group
 * grants is a feedback loop (refused), and such groups always need approval (see failsafes.ts).
 */
import { compileMatcher, formatMatcher } from './matcher';
import type { GroupRule, RulesDocument } from './rules-schema';
import { attributeSelectors } from './selector-walk';

/** One role + division grant held by a group (the group is the subject). */
export interface RoleGrant {
  roleId: string;
  roleName?: string;
  divisionId?: string;
  divisionName?: string;
}

/** Role grants per Genesys group id. */
export type GrantsByGroupId = Readonly<Record<string, readonly RoleGrant[]>>;

/** A rule whose membership would feed back on itself through a role its (or an including) group grants. */
export interface RoleFeedbackLoop {
  /** Index of the offending entry in `groups`. */
  ruleIndex: number;
  /** Its `group` value. */
  rule: string;
  /** Path of the `role` selector inside the entry, e.g. `include.any[0].role`. */
  path: string;
  /** The granting group's rule key (the offending rule itself, or one that includes it). */
  grantingGroup: string;
  grantingGroupId: string;
  /** The granted roles the selector matches, as `name` (or id when the name is unknown). */
  roles: string[];
  /** One line for the operator, prefixed with `groups[i].path`. */
  message: string;
}

/** `Admin (division Home)`: a grant as shown to an approver. */
export function describeGrant(grant: RoleGrant): string {
  const role = grant.roleName ?? grant.roleId;
  const division = grant.divisionName ?? grant.divisionId;
  return division === undefined ? role : `${role} (division ${division})`;
}

/**
 * Finds every rule with a `role` selector (in `include` or `exclude`, under any `any`/`all`/`not`) that matches
 * a role granted by a group whose membership the rule feeds: the rule's own group, or any group that includes it
 * through `includeGroups` (transitively). Such a rule oscillates: joining the group grants the role, which
 * changes whether the selector matches. A selector matches a grant when it matches the role's name or its id
 * (exact or regex, as in evaluation).
 *
 * @param grantsByGroupId grants per group id; a group missing from it is taken to grant nothing (pass every
 *   group the rules name, as read for this run).
 * @param groupIdByKey the Genesys id of each rule entry, by its `group` value (names and ids are both keys).
 * @returns one finding per (selector, granting group), in rules order; empty when there is no loop.
 */
export function findRoleFeedbackLoops(
  rules: Pick<RulesDocument, 'groups'>,
  grantsByGroupId: GrantsByGroupId,
  groupIdByKey: Readonly<Record<string, string>>,
): RoleFeedbackLoop[] {
  const includedBy = new Map<string, string[]>();
  for (const rule of rules.groups) {
    for (const child of rule.includeGroups) includedBy.set(child, [...(includedBy.get(child) ?? []), rule.group]);
  }
  const loops: RoleFeedbackLoop[] = [];
  rules.groups.forEach((rule, ruleIndex) => {
    const sites = attributeSelectors(rule).filter((site) => site.selector.kind === 'role');
    if (sites.length === 0) return;
    const fed = groupsFedBy(rule, includedBy);
    for (const site of sites) {
      const test = compileMatcher(site.selector.match);
      const hits = (value: string | undefined) => value !== undefined && value !== '' && test(value);
      for (const grantingGroup of fed) {
        const grantingGroupId = groupIdByKey[grantingGroup];
        if (grantingGroupId === undefined) continue;
        const grants = grantsByGroupId[grantingGroupId] ?? [];
        const roles = unique(
          grants.filter((g) => hits(g.roleName) || hits(g.roleId)).map((g) => g.roleName ?? g.roleId),
        );
        if (roles.length === 0) continue;
        const selector = `role: ${formatMatcher(site.selector.match)}`;
        const how =
          grantingGroup === rule.group
            ? `which group '${grantingGroup}' itself grants`
            : `which group '${grantingGroup}' grants, and '${grantingGroup}' includes '${rule.group}' through includeGroups`;
        loops.push({
          ruleIndex,
          rule: rule.group,
          path: site.path,
          grantingGroup,
          grantingGroupId,
          roles,
          message:
            `groups[${ruleIndex}].${site.path}: role feedback loop in '${rule.group}': ${selector} matches ` +
            `${roles.length === 1 ? 'role' : 'roles'} ${roles.map((r) => `'${r}'`).join(', ')}, ${how}; ` +
            `membership would grant the role and the role would change membership (select by something else, ` +
            `or remove the grant)`,
        });
      }
    }
  });
  return loops;
}

// The rule's own group first, then every group that includes it, breadth first (the graph has no cycles once
// the rules are valid; the visited set keeps this safe anyway).
function groupsFedBy(rule: GroupRule, includedBy: ReadonlyMap<string, string[]>): string[] {
  const order = [rule.group];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    for (const parent of includedBy.get(order[i]) ?? []) {
      if (!seen.has(parent)) {
        seen.add(parent);
        order.push(parent);
      }
    }
  }
  return order;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
