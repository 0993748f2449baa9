/**
 * `gcsync explain` without the I/O: for one user and the groups asked about, whether they are a member now, whether
 * the rules want them, what a run would do, and the clause that decides (see explain.ts).
 */
import type { DirectoryUser } from './directory-user';
import { MembershipExplainer, type MembershipReason } from './explain';
import type { GroupMode, RulesDocument } from './rules-schema';

/** A target group as read for the explanation. */
export interface ObservedTarget {
  /** The `group` value as written in the rules. */
  key: string;
  groupId: string;
  groupName: string;
  /** Whether the user is an individual member now (from `/individuals`). */
  member: boolean;
}

/**
 * What a run would do for this user in this group. `remove-if-owned`: a `managed` group removes a member the rules
 * do not want only if gcsync added them (its ownership ledger decides); `keep`: an `additive` group never removes.
 */
export type ExplainAction = 'add' | 'remove' | 'remove-if-owned' | 'keep' | 'none';

/** One row of `gcsync explain`. */
export interface GroupExplanation {
  key: string;
  groupId: string;
  groupName: string;
  mode: GroupMode;
  member: boolean;
  /** Whether the rules want the user in the group (the planner's desired set). */
  desired: boolean;
  action: ExplainAction;
  reason: MembershipReason;
}

/**
 * Explains `user` for each target, in the order given. The decision is the planner's (`resolveDesired`); the action
 * follows `planGroup`'s mode semantics.
 *
 * @throws NestingError for unknown `includeGroups` names or a cycle; Error when a target key is not in the rules.
 */
export function explainUser(
  doc: Pick<RulesDocument, 'groups'>,
  user: DirectoryUser,
  targets: readonly ObservedTarget[],
): GroupExplanation[] {
  const explainer = new MembershipExplainer(doc);
  const modes = new Map(doc.groups.map((rule) => [rule.group, rule.mode] as const));
  return targets.map((target) => {
    const mode = modes.get(target.key);
    if (mode === undefined) throw new Error(`group '${target.key}' is not a group entry of the rules`);
    // A member the rules do not want is explained as a removal ("no longer matches …").
    const decision = explainer.explain(target.key, user, target.member ? 'remove' : 'absent');
    return {
      key: target.key,
      groupId: target.groupId,
      groupName: target.groupName,
      mode,
      member: target.member,
      desired: decision.desired,
      action: actionFor(mode, target.member, decision.desired),
      reason: decision.reason,
    };
  });
}

/** The change `planGroup` would make for one user. */
export function actionFor(mode: GroupMode, member: boolean, desired: boolean): ExplainAction {
  if (desired) return member ? 'none' : 'add';
  if (!member) return 'none';
  if (mode === 'exact') return 'remove';
  return mode === 'managed' ? 'remove-if-owned' : 'keep';
}
