/**
 * Why a user is (or is not) wanted in a group: the desired-membership decision of `resolveDesired` for one user,
 * with the clause that decides it. Pure and deterministic. `gcsync explain` shows it for one user; the planner
 * calls {@link reasonsFor} for the changed members of a group only.
 *
 * The decision mirrors `resolveDesired` (nesting-graph.ts) user by user: a user is desired in group G when they
 * are active, not matched by G's `exclude`, and matched by G's `include` or desired in a group G includes. Unit
 * tests cross-check the two on generated users for every selector kind.
 */
import type { DirectoryUser } from './directory-user';
import { compileSelector, type UserPredicate } from './evaluate';
import { NestingGraph } from './nesting-graph';
import type { GroupRule, RulesDocument } from './rules-schema';
import { describeSelector } from './selector-describe';
import { compileSelectorTree, failingClause, matchingClause, type SelectorNode } from './selector-witness';

/**
 * The clause that decides a membership, and a sentence saying so.
 *
 * `clause` is a path inside the group entry (`include.any[1]`, `exclude.any[0]`, `includeGroups[0]`), or one of
 * the keywords `inactive` (the user is not active, or not in the directory) and `unselected` (no clause selects
 * the user and there are several that could have).
 */
export interface MembershipReason {
  clause: string;
  text: string;
}

/** Whether the rules want the user in the group, and why. */
export interface MembershipDecision {
  desired: boolean;
  reason: MembershipReason;
}

/**
 * How a non-member reason is worded: `remove` for a planned removal (`no longer matches …`), `absent` for someone
 * who is not a member and should not be (`does not match …`). Decisions for desired users read the same either way.
 */
export type ReasonWording = 'remove' | 'absent';

/** Most alternatives listed in an `unselected` reason before `+N more`. */
const MAX_LISTED_SOURCES = 4;

interface CompiledRule {
  rule: GroupRule;
  include?: { test: UserPredicate; tree: SelectorNode };
  exclude?: { test: UserPredicate; tree: SelectorNode };
}

/**
 * The rules compiled once (every regex built once), answering per user and group. Reuse one for many users.
 *
 * @example
 * const explainer = new MembershipExplainer(doc);
 * explainer.explain('Support Team', user);
 * // { desired: true, reason: { clause: 'include.any[1]', text: 'include.any[1]: department = Support' } }
 */
export class MembershipExplainer {
  private readonly entries = new Map<string, GroupRule>();
  /** Rules compiled on first use: a planner explaining a few groups of thousands compiles only those it reaches. */
  private readonly compiled = new Map<string, CompiledRule>();

  /**
   * @throws NestingError when `includeGroups` names an unknown group or forms a cycle (as `resolveDesired` does).
   */
  constructor(doc: Pick<RulesDocument, 'groups'>) {
    NestingGraph.fromRules(doc).topologicalOrder();
    // First entry wins, as in resolveDesired (the schema rejects duplicates anyway).
    for (const rule of doc.groups) if (!this.entries.has(rule.group)) this.entries.set(rule.group, rule);
  }

  /** Whether `groupKey` (the `group` value as written in the rules) is a group entry. */
  has(groupKey: string): boolean {
    return this.entries.has(groupKey);
  }

  /**
   * Decides `user`'s desired membership of `groupKey` and why. `undefined` stands for a user the directory did not
   * return as active (the planner's snapshot lists active users only): never desired, reason `inactive`.
   *
   * @throws Error when `groupKey` is not a group entry of the rules.
   */
  explain(groupKey: string, user: DirectoryUser | undefined, wording: ReasonWording = 'absent'): MembershipDecision {
    this.rule(groupKey);
    if (user === undefined) {
      return { desired: false, reason: { clause: 'inactive', text: 'inactive (not an active user in the directory)' } };
    }
    if (user.state !== 'active') {
      return { desired: false, reason: { clause: 'inactive', text: `inactive (state ${user.state})` } };
    }
    return this.decide(groupKey, user, wording, new Map());
  }

  /**
   * {@link reasonsFor} with this explainer's compiled rules: create one explainer per plan and call this for each
   * changed group, so the rules are compiled once, not once per group.
   */
  reasonsFor(
    users: readonly DirectoryUser[] | ReadonlyMap<string, DirectoryUser>,
    groupKey: string,
    userIds: readonly string[],
    kind: 'add' | 'remove',
  ): Map<string, MembershipReason> {
    this.rule(groupKey);
    const byId = isUserMap(users) ? users : new Map(users.map((user) => [user.id, user]));
    const wording: ReasonWording = kind === 'remove' ? 'remove' : 'absent';
    const reasons = new Map<string, MembershipReason>();
    for (const id of userIds) {
      if (!reasons.has(id)) reasons.set(id, this.explain(groupKey, byId.get(id), wording).reason);
    }
    return reasons;
  }

  private rule(groupKey: string): CompiledRule {
    const known = this.compiled.get(groupKey);
    if (known !== undefined) return known;
    const rule = this.entries.get(groupKey);
    if (rule === undefined) throw new Error(`group '${groupKey}' is not a group entry of the rules`);
    const compiled: CompiledRule = { rule };
    if (rule.include !== undefined) {
      compiled.include = { test: compileSelector(rule.include), tree: compileSelectorTree(rule.include, 'include') };
    }
    if (rule.exclude !== undefined) {
      compiled.exclude = { test: compileSelector(rule.exclude), tree: compileSelectorTree(rule.exclude, 'exclude') };
    }
    this.compiled.set(groupKey, compiled);
    return compiled;
  }

  // `memo` holds this user's decisions per group, so a group reached through several paths (a diamond) is
  // evaluated once: per user the cost is proportional to the rules, never more.
  private decide(
    groupKey: string,
    user: DirectoryUser,
    wording: ReasonWording,
    memo: Map<string, MembershipDecision>,
  ): MembershipDecision {
    const known = memo.get(groupKey);
    if (known !== undefined) return known;
    const compiled = this.rule(groupKey);
    const { rule } = compiled;

    let selected: MembershipReason | undefined;
    if (compiled.include?.test(user)) {
      const witness = matchingClause(compiled.include.tree, user) ?? compiled.include.tree;
      selected = { clause: witness.path, text: `${witness.path}: ${describeSelector(witness.selector)}` };
    } else {
      for (const [index, child] of rule.includeGroups.entries()) {
        const nested = this.decide(child, user, wording, memo);
        if (!nested.desired) continue;
        const clause = `includeGroups[${index}]`;
        selected = { clause, text: `included via ${clause} (${child}): ${nested.reason.text}` };
        break;
      }
    }

    let decision: MembershipDecision;
    if (selected === undefined) {
      decision = { desired: false, reason: this.unselected(compiled, user, wording, memo) };
    } else if (compiled.exclude?.test(user)) {
      const witness = matchingClause(compiled.exclude.tree, user) ?? compiled.exclude.tree;
      decision = {
        desired: false,
        reason: { clause: witness.path, text: `excluded by ${witness.path} (${describeSelector(witness.selector)})` },
      };
    } else {
      decision = { desired: true, reason: selected };
    }
    memo.set(groupKey, decision);
    return decision;
  }

  // With a single way in (one include clause, or one nested group), name the clause the user fails; with several,
  // list them: saying which one the user "used to" match would be a guess.
  private unselected(
    compiled: CompiledRule,
    user: DirectoryUser,
    wording: ReasonWording,
    memo: Map<string, MembershipDecision>,
  ): MembershipReason {
    const { rule, include } = compiled;
    const alternatives =
      include === undefined ? [] : include.tree.selector.kind === 'any' ? include.tree.children : [include.tree];
    const sourceCount = alternatives.length + rule.includeGroups.length;
    if (sourceCount === 1 && include !== undefined) {
      const failing = failingClause(include.tree, user) ?? include.tree;
      const verb = wording === 'remove' ? 'no longer matches' : 'does not match';
      return { clause: failing.path, text: `${verb} ${failing.path} (${describeSelector(failing.selector)})` };
    }
    if (sourceCount === 1) {
      const child = rule.includeGroups[0];
      const clause = 'includeGroups[0]';
      const nested = this.decide(child, user, wording, memo);
      const verb = wording === 'remove' ? 'no longer included' : 'not included';
      return { clause, text: `${verb} via ${clause} (${child}): ${nested.reason.text}` };
    }
    const sources = [
      ...alternatives.map((node) => `${node.path} (${describeSelector(node.selector)})`),
      ...rule.includeGroups.map((child, index) => `includeGroups[${index}] (${child})`),
    ];
    const listed = sources.slice(0, MAX_LISTED_SOURCES);
    const more = sources.length - listed.length;
    return {
      clause: 'unselected',
      text: `not selected by any rule (matches none of ${listed.join(', ')}${more > 0 ? `, +${more} more` : ''})`,
    };
  }
}

/**
 * {@link MembershipExplainer.explain} for one user and group, compiling the rules for this call only. Prefer a
 * reused {@link MembershipExplainer} or {@link reasonsFor} for many users.
 *
 * @throws NestingError for unknown `includeGroups` names or a cycle; Error for an unknown `groupKey`.
 */
export function explainMembership(
  doc: Pick<RulesDocument, 'groups'>,
  groupKey: string,
  user: DirectoryUser | undefined,
  wording: ReasonWording = 'absent',
): MembershipDecision {
  return new MembershipExplainer(doc).explain(groupKey, user, wording);
}

/**
 * Reasons for a group's changed members, for the per-user plan: for `kind: 'add'` the clause that selected each
 * user, for `kind: 'remove'` why they are not wanted any more (`no longer matches include.any[0] (role = Agent)`,
 * `excluded by exclude.any[0] (title ~ /contractor/i)`, `inactive …`, `not selected by any rule (…)`).
 *
 * Cost: O(userIds × rule size) plus compiling the rules this group reaches, when `users` is a Map by id; an array
 * is indexed first (O(users)). For many groups of one plan, reuse one {@link MembershipExplainer} and call its
 * `reasonsFor` per group. Users in `userIds` that `users` does not hold are explained as `inactive` (the snapshot lists
 * active users only). The reason always reflects the evaluation; a `kind` that contradicts it (an add of a user the
 * rules do not want) would be a planner bug, and the reason then says what the rules really decide.
 *
 * @param groupKey the `group` value as written in the rules (`ResolvedTarget.key`), not the Genesys id.
 * @throws NestingError for unknown `includeGroups` names or a cycle; Error for an unknown `groupKey`.
 */
export function reasonsFor(
  doc: Pick<RulesDocument, 'groups'>,
  users: readonly DirectoryUser[] | ReadonlyMap<string, DirectoryUser>,
  groupKey: string,
  userIds: readonly string[],
  kind: 'add' | 'remove',
): Map<string, MembershipReason> {
  return new MembershipExplainer(doc).reasonsFor(users, groupKey, userIds, kind);
}

function isUserMap(
  users: readonly DirectoryUser[] | ReadonlyMap<string, DirectoryUser>,
): users is ReadonlyMap<string, DirectoryUser> {
  return !Array.isArray(users);
}
