/**
 * Members gcsync does not manage.
 *
 * Genesys's own members: gcsync reads and writes only a group's individually added members
 * (`/individuals`); Genesys can also make people members through the group's own membership rules and as owners
 * (`includeOwners`), and those never appear in a plan, never get removed, and are not counted by it. The groups
 * listing's `memberCount` reveals them when it is larger than the individuals read: whether it also counts inactive
 * members is UNCONFIRMED (reference §3.1), so the message names every possibility and is only a report.
 */

/** What the report needs of a target group. */
export interface MemberCountObservation {
  groupName: string;
  /** `memberCount` from the groups listing, if Genesys gave one. */
  listedMemberCount?: number;
  /** Individually added members read for the plan. */
  individuals: number;
}

/** One warning per group whose listing counts more members than its individuals. */
export function unmanagedMemberWarnings(groups: readonly MemberCountObservation[]): string[] {
  const warnings: string[] = [];
  for (const g of groups) {
    if (g.listedMemberCount === undefined) continue;
    const extra = g.listedMemberCount - g.individuals;
    if (extra <= 0) continue;
    warnings.push(
      `group '${g.groupName}': ${extra} member(s) beyond its ${g.individuals} individual member(s) ` +
        `(Genesys membership rules, owners, or inactive users): not managed by gcsync, never removed by it`,
    );
  }
  return warnings;
}

/**
 * Members this OAuth client cannot read. User reads are division-filtered: an individual member in a division where
 * the client lacks `directory:user:view` is absent from the users listing and does not come back from a read by id in
 * any state. gcsync cannot tell what the rules say of them, so it keeps them (never a removal on unread data) and says
 * so, one warning per group, with an example id.
 */
export function unreadableMemberWarnings(
  groups: readonly { groupName: string; individuals: readonly string[] }[],
  unreadable: ReadonlySet<string>,
): string[] {
  const warnings: string[] = [];
  if (unreadable.size === 0) return warnings;
  for (const g of groups) {
    const kept = g.individuals.filter((id) => unreadable.has(id));
    if (kept.length === 0) continue;
    warnings.push(
      `group '${g.groupName}': ${kept.length} member(s) that this OAuth client cannot read by id (e.g. ${kept[0]}; ` +
        'it may lack directory:user:view in their division): kept, never removed on data gcsync cannot read',
    );
  }
  return warnings;
}
