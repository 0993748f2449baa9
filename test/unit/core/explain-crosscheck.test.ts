/**
 * explain must agree exactly with the evaluator planning uses: on generated users, for every selector kind, exact
 * and regex values, composites, exclusions and nesting (including a diamond), `explain(...).desired` equals
 * membership in `resolveDesired`, and each reason points at a clause that really decides.
 */
import type { DirectoryUser } from '../../../src/core/directory-user';
import { planGroup } from '../../../src/core/diff';
import { compileSelector } from '../../../src/core/evaluate';
import { MembershipExplainer, reasonsFor } from '../../../src/core/explain';
import { resolveDesired } from '../../../src/core/nesting-graph';
import type { GroupRule, Selector } from '../../../src/core/rules-schema';
import { rules } from './helpers';

const doc = rules(`
version: 1
groups:
  - group: Roles
    include: [{ role: Support Agent }, { role: '/^team lead$/i' }]
  - group: Divisions
    include: { division: '/^(North|d-2)$/' }
    exclude: { title: '/contractor/i' }
  - group: Departments
    include: { department: Support }
  - group: Titles
    include: { title: '/^Senior /' }
    exclude: [{ manager: u-3 }, { userId: '/7$/' }]
  - group: Locations
    include: { location: '/^(Paris|loc-2)$/' }
  - group: Skills
    include: { skill: Phones, minProficiency: 3 }
  - group: Managers
    include: { manager: '/^u-[12]$/' }
  - group: Ids
    include: { userId: '/^u-1\\d$/' }
  - group: All
    include:
      all: [{ department: Support }, { not: { title: '/contractor/i' } }, { any: [{ skill: '/^(Phones|Chat)$/' }, { role: Support Agent }] }]
  - group: Not
    include: { not: { department: Support } }
  - group: Nested Left
    include: { department: Sales }
    includeGroups: [Skills]
  - group: Nested Right
    includeGroups: [Skills, Locations]
    exclude: { division: South }
  - group: Diamond
    include: { title: Boss }
    includeGroups: [Nested Left, Nested Right]
    exclude: { role: Support Agent }
  - group: Only Nested
    includeGroups: [Diamond]
`);

/** Small deterministic PRNG (mulberry32), so a failure is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateUsers(count: number, seed: number): DirectoryUser[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const maybe = <T>(value: T): T | undefined => (random() < 0.8 ? value : undefined);
  const roleNames = ['Support Agent', 'Team Lead', 'team lead', 'Admin', 'Supervisor'];
  return Array.from({ length: count }, (_, i) => {
    const user: DirectoryUser = {
      id: `u-${i}`,
      name: `User ${i}`,
      state: pick(['active', 'active', 'active', 'inactive', 'deleted']),
      roles: roleNames.filter(() => random() < 0.25).map((name, k) => ({ id: `r-${k}`, name })),
      skills: ['Phones', 'Chat', 'Email']
        .filter(() => random() < 0.4)
        .map((name, k) => ({ id: `s-${k}`, name, proficiency: Math.floor(random() * 6) })),
      locations: ['Paris', 'Lyon'].filter(() => random() < 0.3).map((name, k) => ({ id: `loc-${k + 1}`, name })),
    };
    const divisionName = maybe(pick(['North', 'South', 'East']));
    if (divisionName !== undefined) user.divisionName = divisionName;
    const divisionId = maybe(pick(['d-1', 'd-2']));
    if (divisionId !== undefined) user.divisionId = divisionId;
    const department = maybe(pick(['Support', 'Sales', 'Finance', 'support']));
    if (department !== undefined) user.department = department;
    const title = maybe(pick(['Senior Agent', 'Agent', 'Contractor (ACME)', 'Boss', 'Senior Contractor']));
    if (title !== undefined) user.title = title;
    const managerId = maybe(pick(['u-1', 'u-2', 'u-3', 'u-4']));
    if (managerId !== undefined) user.managerId = managerId;
    return user;
  });
}

/** The selector at a reason's path (`include.any[1].all[0].not`), to check the clause really decides. */
function selectorAt(rule: GroupRule, path: string): Selector {
  const [root, ...steps] = path.split('.');
  let selector = root === 'include' ? rule.include : rule.exclude;
  for (const step of steps) {
    const m = /^(any|all)\[(\d+)\]$/.exec(step);
    if (m && selector?.kind === m[1]) selector = (selector as { of: Selector[] }).of[Number(m[2])];
    else if (step === 'not' && selector?.kind === 'not') selector = selector.of;
    else throw new Error(`path ${path} does not exist in ${rule.group}`);
  }
  if (selector === undefined) throw new Error(`path ${path} does not exist in ${rule.group}`);
  return selector;
}

function isSelectorPath(clause: string, root: 'include' | 'exclude'): boolean {
  return clause === root || clause.startsWith(`${root}.`);
}

const NON_MEMBER_TEXT =
  /^(inactive \(|excluded by |does not match |no longer matches |not included via |no longer included via |not selected by any rule )/;

describe.each([1, 2, 3])('explain agrees with resolveDesired (seed %i)', (seed) => {
  const users = generateUsers(400, seed);
  const desired = resolveDesired(doc, users);
  const explainer = new MembershipExplainer(doc);

  it.each(doc.groups.map((rule) => [rule.group, rule] as const))('%s', (group, rule) => {
    const decisions = users.map((user) => ({ user, ...explainer.explain(group, user) }));
    expect(
      decisions
        .filter((d) => d.desired)
        .map((d) => d.user.id)
        .sort(),
    ).toEqual(desired.get(group));
    // Every reason must point at a clause that really decides; collected, so one expectation reports them all.
    const wrong = decisions.filter(({ user, desired: isDesired, reason: { clause, text } }) => {
      const clauseMatches = () => compileSelector(selectorAt(rule, clause))(user);
      if (isDesired) {
        if (NON_MEMBER_TEXT.test(text)) return true;
        return isSelectorPath(clause, 'include') ? !clauseMatches() : !/^includeGroups\[\d+\]$/.test(clause);
      }
      if (!NON_MEMBER_TEXT.test(text)) return true;
      if (isSelectorPath(clause, 'exclude')) return !clauseMatches();
      if (isSelectorPath(clause, 'include')) return clauseMatches();
      if (clause === 'inactive') return user.state === 'active';
      return !/^(includeGroups\[\d+\]|unselected)$/.test(clause);
    });
    expect(wrong.map(({ user, reason }) => `${user.id}: ${reason.clause}: ${reason.text}`)).toEqual([]);
    // The generator must exercise both outcomes, or this test could not fail.
    expect(desired.get(group)!.length).toBeGreaterThan(0);
    expect(desired.get(group)!.length).toBeLessThan(users.length);
  });

  it('reasonsFor explains exactly the adds and removes of a plan, as the planner would call it', () => {
    const random = prng(seed + 100);
    const active = users.filter((u) => u.state === 'active');
    for (const rule of doc.groups) {
      const current = users.filter(() => random() < 0.3).map((u) => u.id);
      const plan = planGroup({
        groupId: rule.group,
        groupName: rule.group,
        mode: 'exact',
        desired: desired.get(rule.group)!,
        current,
      });
      // The planner's snapshot holds active users only: removed inactive users must read as inactive.
      const adds = reasonsFor(doc, active, rule.group, plan.toAdd, 'add');
      // One explainer reused across a plan's groups answers the same as a fresh one per call.
      expect(explainer.reasonsFor(active, rule.group, plan.toAdd, 'add')).toEqual(adds);
      const removes = reasonsFor(doc, active, rule.group, plan.toRemove, 'remove');
      expect([...adds.keys()]).toEqual(plan.toAdd);
      expect([...removes.keys()]).toEqual(plan.toRemove);
      const badAdds = [...adds.values()].filter((r) => NON_MEMBER_TEXT.test(r.text));
      const badRemoves = [...removes.values()].filter(
        (r) => !NON_MEMBER_TEXT.test(r.text) || /^does not match |^not included via /.test(r.text),
      );
      expect({ group: rule.group, badAdds, badRemoves }).toEqual({ group: rule.group, badAdds: [], badRemoves: [] });
      expect(plan.toAdd.length + plan.toRemove.length).toBeGreaterThan(0);
    }
  });
});

it('reasonsFor only looks up the requested ids (O(changed members), never a pass over all users)', () => {
  const users = new Map(generateUsers(50, 9).map((u) => [u.id, u]));
  const looked: string[] = [];
  // A map that answers get() only: any iteration over the whole directory would throw.
  const onlyGet = {
    get: (id: string) => (looked.push(id), users.get(id)),
    has: (id: string) => users.has(id),
  } as unknown as ReadonlyMap<string, DirectoryUser>;
  const reasons = reasonsFor(doc, onlyGet, 'Diamond', ['u-1', 'u-2', 'u-99'], 'remove');
  expect([...reasons.keys()]).toEqual(['u-1', 'u-2', 'u-99']);
  expect(looked).toEqual(['u-1', 'u-2', 'u-99']);
});
