/** The emulator's seeded org generator: deterministic by seed, plausible, and able to build 200,000 users. */
import { buildCatalog } from '../../src/emulator/catalog';
import { generateOrg, matchesRule } from '../../src/emulator/generator';
import type { Org } from '../../src/emulator/model';
import { Prng } from '../../src/emulator/prng';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A stable text form of an org (sets become arrays) for equality checks. */
function fingerprint(org: Org): string {
  return JSON.stringify({
    catalog: org.catalog,
    users: org.users,
    groups: org.groups.map((g) => ({ ...g, members: [...g.members] })),
  });
}

describe('Prng', () => {
  it('repeats the same sequence for the same seed and stream, and differs otherwise', () => {
    const draw = (seed: number, stream: string) => {
      const p = new Prng(seed, stream);
      return Array.from({ length: 5 }, () => p.nextUint32());
    };
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
  });

  it('makes version-4-shaped UUIDs and bounded integers', () => {
    const p = new Prng(7);
    for (let i = 0; i < 1000; i++) {
      expect(p.uuid()).toMatch(UUID_V4);
      const n = p.int(10);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(10);
    }
    expect(p.sample(['a', 'b', 'c', 'd'], 2)).toHaveLength(2);
  });
});

describe('generateOrg', () => {
  it('is deterministic by seed', () => {
    const a = generateOrg({ seed: 5, users: 2000, groups: 12, inactiveUsers: 50 });
    const b = generateOrg({ seed: 5, users: 2000, groups: 12, inactiveUsers: 50 });
    const c = generateOrg({ seed: 6, users: 2000, groups: 12, inactiveUsers: 50 });
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(c.users[0].id).not.toBe(a.users[0].id);
    expect(c.groups[0].id).not.toBe(a.groups[0].id);
  });

  it('keeps catalog and group ids stable across org sizes for one seed', () => {
    const small = generateOrg({ seed: 3, users: 10, groups: 5 });
    const large = generateOrg({ seed: 3, users: 5000, groups: 5 });
    expect(large.catalog).toEqual(small.catalog);
    expect(large.groups.map((g) => g.id)).toEqual(small.groups.map((g) => g.id));
    expect(large.users.slice(0, 10).map((u) => u.id)).toEqual(small.users.map((u) => u.id));
    expect(buildCatalog(3)).toEqual(small.catalog);
  });

  it('produces a plausible org: unique ids and emails, managers, contractors, roles, drifted groups', () => {
    const org = generateOrg({ seed: 1, users: 3000, groups: 20, inactiveUsers: 30 });
    expect(org.users).toHaveLength(3030);
    expect(org.users.filter((u) => u.state === 'inactive')).toHaveLength(30);
    expect(new Set(org.users.map((u) => u.id)).size).toBe(3030);
    expect(new Set(org.users.map((u) => u.email)).size).toBe(3030);
    for (const u of org.users) {
      expect(u.id).toMatch(UUID_V4);
      expect(u.roles.map((r) => r.name)).toContain('Employee');
    }
    expect(org.users[0].managerId).toBeUndefined();
    expect(org.users.filter((u) => u.managerId).length).toBe(3029);
    expect(org.users.some((u) => u.title.includes('Contractor'))).toBe(true);
    expect(org.users.some((u) => u.skills.length > 0)).toBe(true);
    expect(new Set(org.users.map((u) => u.division.name)).size).toBe(org.catalog.divisions.length);

    expect(org.groups).toHaveLength(20);
    expect(new Set(org.groups.map((g) => g.name)).size).toBe(20);
    const ids = new Set(org.users.map((u) => u.id));
    for (const g of org.groups) {
      const rule = g.generatorRule!;
      const members = [...g.members].map((id) => org.users.find((u) => u.id === id)!);
      expect(members.every((u) => ids.has(u.id))).toBe(true);
      const matching = org.users.filter((u) => matchesRule(u, rule)).length;
      const matchingMembers = members.filter((u) => matchesRule(u, rule)).length;
      // Drift: some matching users missing and a few outsiders, but the rule still explains most of the group.
      expect(matchingMembers).toBeLessThanOrEqual(matching);
      if (matching >= 50) expect(matchingMembers).toBeLessThan(matching);
      expect(matching).toBeGreaterThan(0);
      if (matching >= 20) expect(matchingMembers).toBeGreaterThanOrEqual(members.length * 0.9);
    }
    expect(org.groups.some((g) => g.generatorRule!.attribute === 'titleContains')).toBe(true);
  });

  it('generates 200,000 users deterministically', () => {
    const a = generateOrg({ seed: 11, users: 200_000, groups: 20 });
    expect(a.users).toHaveLength(200_000);
    expect(new Set(a.users.map((u) => u.id)).size).toBe(200_000);
    expect(a.groups).toHaveLength(20);
    expect(a.groups.reduce((n, g) => n + g.members.size, 0)).toBeGreaterThan(200_000);
    const b = generateOrg({ seed: 11, users: 200_000, groups: 20 });
    expect(b.users[199_999]).toEqual(a.users[199_999]);
    expect(b.users.map((u) => u.id).join()).toBe(a.users.map((u) => u.id).join());
    expect(b.groups.map((g) => [...g.members].join()).join('|')).toBe(
      a.groups.map((g) => [...g.members].join()).join('|'),
    );
  });
});
