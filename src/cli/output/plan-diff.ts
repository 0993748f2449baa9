/** The plan as a per-group diff (adds, removes, unchanged) with totals, for `gcsync plan`. */
import type { PlanGroupSummary, PlannedMember, RunStatus } from '../../../workflows/messages';
import { plain, type Paint } from './colour';
import { plural } from './plural';
import { formatTable } from './table';

/** Sums over a plan's groups. */
export interface PlanDiffTotals {
  groups: number;
  groupsChanged: number;
  adds: number;
  removes: number;
  unchanged: number;
}

export function planDiffTotals(groups: readonly PlanGroupSummary[]): PlanDiffTotals {
  return groups.reduce<PlanDiffTotals>(
    (t, g) => ({
      groups: t.groups + 1,
      groupsChanged: t.groupsChanged + (g.adds + g.removes > 0 ? 1 : 0),
      adds: t.adds + g.adds,
      removes: t.removes + g.removes,
      unchanged: t.unchanged + g.unchanged,
    }),
    { groups: 0, groupsChanged: 0, adds: 0, removes: 0, unchanged: 0 },
  );
}

/**
 * One line per group, changed groups marked `~`, then the totals. Counts only: the member ids of a plan stay in the
 * plan store (they can be many thousands).
 *
 * @example
 * ```
 *   GROUP           MODE      ADD  REMOVE  UNCHANGED  MEMBERS
 * ~ Support Tier 1  exact     +12      -3        140  143 → 152
 *   Sales           additive    0       0         20  20
 *
 * 2 groups, 1 to change: +12 to add, -3 to remove, 160 unchanged.
 * ```
 */
export function formatPlanDiff(groups: readonly PlanGroupSummary[], paint: Paint = plain): string {
  if (groups.length === 0) return 'The plan has no groups.';
  const rows = groups.map((g) => {
    const changed = g.adds + g.removes > 0;
    return [
      changed ? '~' : ' ',
      g.groupName || g.groupId,
      g.mode,
      g.adds ? `+${g.adds}` : '0',
      g.removes ? `-${g.removes}` : '0',
      String(g.unchanged),
      // After the run, not what the rules want: additive and managed groups keep members the rules don't own.
      g.adds === g.removes ? String(g.currentCount) : `${g.currentCount} → ${g.currentCount + g.adds - g.removes}`,
    ];
  });
  const table = formatTable(['', 'GROUP', 'MODE', 'ADD', 'REMOVE', 'UNCHANGED', 'MEMBERS'], rows, [
    'left',
    'left',
    'left',
    'right',
    'right',
    'right',
    'left',
  ]);
  const members = formatPlanMembers(groups, paint);
  return `${table}\n\n${formatPlanTotals(planDiffTotals(groups))}${members ? `\n\n${members}` : ''}`;
}

/**
 * Who each changed group gains and loses, and why, Terraform-style (`+` / `-` per member), for the members the plan
 * summary carries; a count says how many more there are (`gcsync plan --full` prints them all).
 *
 * ```
 * ~ Support Team: +2 -1
 *     - Bo Ek <bo@example.com>     excluded by exclude.any[0] (title ~ /contractor/i)
 *     + Ann Lee <ann@example.com>  include.any[1]: department = Support
 * ```
 */
export function formatPlanMembers(groups: readonly PlanGroupSummary[], paint: Paint = plain): string {
  const blocks: string[] = [];
  for (const g of groups) {
    if (!g.members || g.adds + g.removes === 0) continue;
    const lines = [
      formatGroupChangeHeader(g, paint),
      ...formatMemberLines(
        [
          ...g.members.remove.map((m) => ({ op: 'remove' as const, ...m })),
          ...g.members.add.map((m) => ({ op: 'add' as const, ...m })),
        ],
        paint,
      ),
    ];
    const more = g.adds - g.members.add.length + (g.removes - g.members.remove.length);
    if (more > 0) lines.push(paint('dim', `    … and ${more} more (gcsync plan --full lists every member)`));
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n');
}

/** `~ Support Team: +2 -1`: a changed group's line above its members. */
export function formatGroupChangeHeader(
  g: { groupName: string; groupId: string; adds: number; removes: number },
  paint: Paint = plain,
): string {
  const counts = [g.adds ? paint('green', `+${g.adds}`) : '', g.removes ? paint('red', `-${g.removes}`) : ''];
  return `${paint('yellow', '~')} ${g.groupName || g.groupId}: ${counts.filter(Boolean).join(' ')}`;
}

/** One indented line per member (`+`/`-`, who, why), the names padded to one column. */
export function formatMemberLines(
  members: readonly (PlannedMember & { op: 'add' | 'remove' })[],
  paint: Paint = plain,
): string[] {
  const rows = members.map((m) => [m.op === 'add' ? '+' : '-', who(m), m.reason] as const);
  const width = Math.max(0, ...rows.map((r) => r[1].length));
  return rows.map(
    ([sign, name, reason]) =>
      `    ${paint(sign === '+' ? 'green' : 'red', `${sign} ${name.padEnd(width)}`)}  ${reason}`,
  );
}

/**
 * What `gcsync run` would do with this plan, from the gate's own decision, and the warnings an approver should see:
 *
 * ```
 * gcsync run would wait for approval:
 *   - group Support would lose 36 of 98 members (36.7% > 20%)
 * Warnings:
 *   - groups[2].include.role (role = Supervsor) in 'Leads' matches no active user
 * ```
 */
export function formatGate(status: Pick<RunStatus, 'approvalRequired' | 'approvalReasons' | 'warnings'>): string {
  const lines = status.approvalRequired
    ? ['gcsync run would wait for approval:', ...status.approvalReasons.map((r) => `  - ${r}`)]
    : ['gcsync run would apply this plan without waiting for approval (no threshold or failsafe trips).'];
  if (status.warnings?.length) lines.push('Warnings:', ...status.warnings.map((w) => `  - ${w}`));
  return lines.join('\n');
}

function who(m: { id: string; name?: string; email?: string; username?: string }): string {
  const name = m.name ?? m.id;
  const contact = m.email ?? m.username;
  return contact ? `${name} <${contact}>` : name === m.id ? m.id : `${name} (${m.id})`;
}

/** The totals sentence under the diff. */
export function formatPlanTotals(t: PlanDiffTotals): string {
  const groups = plural(t.groups, 'group');
  if (t.groupsChanged === 0)
    return `${groups}, no changes: ${plural(t.unchanged, 'member')} already ${t.unchanged === 1 ? 'matches' : 'match'} the rules.`;
  // `+0 to add` / `-0 to remove` read as noise (and `-0` as a negative zero): name only what happens.
  const changes = [t.adds ? `+${t.adds} to add` : '', t.removes ? `-${t.removes} to remove` : ''].filter(Boolean);
  return `${groups}, ${t.groupsChanged} to change: ${changes.join(', ')}, ${t.unchanged} unchanged.`;
}
