/**
 * Rules for a seeded emulator org, written from each generated group's `generatorRule`, and an independent
 * computation of the members those rules must produce (plain filters over the emulator's records, not
 * `src/core`), so a test compares the reconciler against a second implementation.
 */
import type { RunningEmulator } from '../../src/emulator';
import type { GeneratorRule, GroupRecord, UserRecord } from '../../src/emulator/model';

/** Groups whose rule excludes contractors (by title), to exercise `exclude`. */
const EXCLUDES_CONTRACTORS = new Set(['role']);

function selectorYaml(rule: GeneratorRule): string {
  switch (rule.attribute) {
    case 'titleContains':
      return `title: /${rule.value}/`;
    default:
      return `${rule.attribute}: ${JSON.stringify(rule.value)}`;
  }
}

function matchesRule(user: UserRecord, rule: GeneratorRule): boolean {
  switch (rule.attribute) {
    case 'department':
      return user.department === rule.value;
    case 'role':
      return user.roles.some((r) => r.name === rule.value);
    case 'division':
      return user.division.name === rule.value;
    case 'titleContains':
      return user.title.includes(rule.value);
    case 'location':
      return user.locations.some((l) => l.name === rule.value);
    case 'skill':
      return user.skills.some((s) => s.skill.name === rule.value);
  }
}

/** The seeded groups that carry a generator rule. */
export function ruledGroups(emulator: RunningEmulator): GroupRecord[] {
  return emulator.state.listGroups().filter((g) => g.generatorRule);
}

/** YAML rules: one exact group per seeded group, plus `nested` (if given) as the union of the first two. */
export function rulesFor(emulator: RunningEmulator, opts: { nested?: string; policy?: string } = {}): string {
  const groups = ruledGroups(emulator);
  const lines = ['version: 1', 'policy:', `  ${opts.policy ?? 'requireApproval: never'}`, 'groups:'];
  for (const g of groups) {
    const rule = g.generatorRule!;
    lines.push(
      `  - group: ${JSON.stringify(g.name)}`,
      '    mode: exact',
      '    include:',
      `      ${selectorYaml(rule)}`,
    );
    if (EXCLUDES_CONTRACTORS.has(rule.attribute)) lines.push('    exclude:', '      - title: /contractor/i');
  }
  if (opts.nested) {
    lines.push(`  - group: ${JSON.stringify(opts.nested)}`, '    mode: exact');
    lines.push(
      `    includeGroups: [${groups
        .slice(0, 2)
        .map((g) => JSON.stringify(g.name))
        .join(', ')}]`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Expected members per group id, computed independently of the reconciler. */
export function expectedMembers(emulator: RunningEmulator, opts: { nested?: string } = {}): Map<string, string[]> {
  const active = emulator.state.listUsers().filter((u) => u.state === 'active');
  const expected = new Map<string, string[]>();
  const groups = ruledGroups(emulator);
  for (const g of groups) {
    const rule = g.generatorRule!;
    const ids = active
      .filter((u) => matchesRule(u, rule))
      .filter((u) => !(EXCLUDES_CONTRACTORS.has(rule.attribute) && /contractor/i.test(u.title)))
      .map((u) => u.id);
    expected.set(g.id, ids.sort());
  }
  if (opts.nested) {
    const nested = emulator.state.listGroups().find((g) => g.name === opts.nested)!;
    const union = new Set([...expected.get(groups[0].id)!, ...expected.get(groups[1].id)!]);
    expected.set(nested.id, [...union].sort());
  }
  return expected;
}

/**
 * Makes every ruled group hold exactly its expected members (as another admin would, through the emulator's
 * external edit), then clears the call log: an org the reconciler has nothing to change in, without running it.
 */
export function convergeOrg(emulator: RunningEmulator): void {
  const state = emulator.state;
  for (const [groupId, want] of expectedMembers(emulator)) {
    const group = state.getGroup(groupId)!;
    const current = new Set(state.groupMembers(groupId));
    const wanted = new Set(want);
    state.externalEdit(
      group,
      want.filter((u) => !current.has(u)),
      [...current].filter((u) => !wanted.has(u)),
    );
  }
  state.resetCalls();
}
