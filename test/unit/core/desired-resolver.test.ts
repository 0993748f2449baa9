import { DesiredResolver } from '../../../src/core/desired-resolver';
import type { DirectoryUser } from '../../../src/core/directory-user';
import { resolveDesired } from '../../../src/core/nesting-graph';
import { rules, user } from './helpers';

/** A small seeded org where every attribute repeats, so exact selectors hit many users and regexes some. */
function org(size: number): DirectoryUser[] {
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  return Array.from({ length: size }, (_, i) =>
    user(`u${String(i).padStart(4, '0')}`, {
      state: next(10) === 0 ? 'inactive' : 'active',
      department: ['Support', 'Sales', 'IT', ''][next(4)],
      title: ['Agent', 'Senior Agent', 'Contractor Agent'][next(3)],
      divisionId: `d${next(3)}`,
      divisionName: ['Home', 'East', 'West'][next(3)],
      managerId: `u${String(next(20)).padStart(4, '0')}`,
      roles: next(2) ? [{ id: 'r1', name: 'Support Agent' }] : [{ id: 'r2', name: 'Supervisor' }],
      skills: next(2) ? [{ id: 's1', name: 'French', proficiency: next(5) }] : [],
      locations: next(3) ? [{ id: 'l1', name: 'Indianapolis Site' }] : [],
    }),
  );
}

const doc = rules(`
version: 1
groups:
  - group: Support
    include: { department: Support }
    exclude: { title: /contractor/i }
  - group: French
    include: { skill: French, minProficiency: 3 }
  - group: Mixed
    include:
      - { role: Supervisor }
      - all: [{ division: East }, { location: l1 }]
  - group: Regex
    include: { title: /^Senior/ }
  - group: Not
    include: { not: { department: Sales } }
  - group: Managed by u0003
    include: { manager: u0003 }
  - group: Parent
    include: { userId: u0001 }
    includeGroups: [Support, French]
    exclude: { division: Home }
  - group: Nobody
    include: { department: Nowhere }
`);

describe('DesiredResolver', () => {
  it('gives exactly what resolveDesired gives, for every selector kind and nesting', () => {
    const users = org(600);
    const expected = resolveDesired(doc, users);
    const actual = new DesiredResolver(doc, users).resolveAll();
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [group, ids] of expected) expect({ group, ids: actual.get(group) }).toEqual({ group, ids });
    expect(expected.get('Support')!.length).toBeGreaterThan(0);
    expect(expected.get('Nobody')).toEqual([]);
  });

  it('resolves group by group in an order where included groups come first', () => {
    const resolver = new DesiredResolver(doc, org(50));
    const order = resolver.order();
    expect(order.indexOf('Support')).toBeLessThan(order.indexOf('Parent'));
    expect(order.indexOf('French')).toBeLessThan(order.indexOf('Parent'));
  });
});
