/**
 * Members gcsync does not manage. gcsync reads and writes only a group's individually added members
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
