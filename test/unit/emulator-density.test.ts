/** Generator knobs for realistic density (`membershipsPerUser`, `drift`) and the guarantee that defaults are unchanged. */
import { createHash } from 'node:crypto';
import { cohortSkillName, generateOrg, matchesRule } from '../../src/emulator/generator';
import type { Org } from '../../src/emulator/model';
import { resolveOptions } from '../../src/emulator/options';
import { EmulatorState } from '../../src/emulator/state';

function digest(org: Org): string {
  const text = JSON.stringify({
    catalog: org.catalog,
    users: org.users,
    groups: org.groups.map((g) => ({ ...g, members: [...g.members] })),
  });
  return createHash('sha256').update(text).digest('hex');
}

/** sha256 of seed 1, 500 users, 20 groups, 5 inactive, taken before the density knobs existed. */
const HISTORICAL_DIGEST = '7a2ede94eb3255a28f6dee2ed1559eb91db209bd374b8fe2c7aff02385f08802';

describe('generator density knobs', () => {
  it('leaves the default org byte-identical (no knobs, or membershipsPerUser 0)', () => {
    expect(digest(generateOrg({ seed: 1, users: 500, groups: 20, inactiveUsers: 5 }))).toBe(HISTORICAL_DIGEST);
    expect(digest(generateOrg({ seed: 1, users: 500, groups: 20, inactiveUsers: 5, membershipsPerUser: 0 }))).toBe(
      HISTORICAL_DIGEST,
    );
    const state = new EmulatorState(resolveOptions({ quiet: true, seed: 1, users: 500, groups: 20, inactiveUsers: 5 }));
    const org = { catalog: state.catalog, users: [...state.listUsers()], groups: [...state.listGroups()] };
    expect(digest(org)).toBe(HISTORICAL_DIGEST);
  });

  it('membershipsPerUser: each active user matches about that many groups, through cohort skills', () => {
    const users = 4000;
    const org = generateOrg({ seed: 9, users, groups: 200, inactiveUsers: 10, membershipsPerUser: 10 });
    expect(org.groups).toHaveLength(200);
    expect(org.groups[0].generatorRule).toEqual({ attribute: 'skill', value: cohortSkillName(0) });
    expect(new Set(org.groups.map((g) => g.name)).size).toBe(200);
    let matched = 0;
    for (const g of org.groups) for (const u of org.users) if (matchesRule(u, g.generatorRule!)) matched++;
    const perUser = matched / users;
    expect(perUser).toBeGreaterThan(9.5);
    expect(perUser).toBeLessThan(10.5);
    // Inactive users hold no cohort; group sizes are realistic (about users × 10 / 200 = 200), not 14 % of the org.
    expect(org.users.slice(users).every((u) => u.skills.every((s) => !s.skill.name.startsWith('Cohort')))).toBe(true);
    const sizes = org.groups.map((g) => g.members.size);
    expect(Math.max(...sizes)).toBeLessThan(400);
    expect(Math.min(...sizes)).toBeGreaterThan(100);
    expect(digest(generateOrg({ seed: 9, users, groups: 200, inactiveUsers: 10, membershipsPerUser: 10 }))).toBe(
      digest(org),
    );
  });

  it('drift: the share of wanted members missing and of outsiders present', () => {
    const measure = (drift: number | undefined) => {
      const state = new EmulatorState(
        resolveOptions({ quiet: true, seed: 4, users: 6000, groups: 40, membershipsPerUser: 4, drift }),
      );
      let wanted = 0;
      let missing = 0;
      let outsiders = 0;
      for (const g of state.listGroups()) {
        const want = new Set(
          state
            .listUsers()
            .filter((u) => matchesRule(u, g.generatorRule!))
            .map((u) => u.id),
        );
        wanted += want.size;
        for (const id of want) if (!g.members.has(id)) missing++;
        for (const id of g.members) if (!want.has(id)) outsiders++;
      }
      return { missing: missing / wanted, outsiders: outsiders / wanted };
    };
    const none = measure(0);
    expect(none).toEqual({ missing: 0, outsiders: 0 });
    const low = measure(0.02);
    expect(low.missing).toBeGreaterThan(0.012);
    expect(low.missing).toBeLessThan(0.028);
    expect(low.outsiders).toBeGreaterThan(0.012);
    expect(low.outsiders).toBeLessThan(0.021);
    const historical = measure(undefined);
    expect(historical.missing).toBeGreaterThan(0.08);
    expect(historical.missing).toBeLessThan(0.12);
  });

  it('validates the knobs', () => {
    expect(() => resolveOptions({ drift: 1.5 })).toThrow(RangeError);
    expect(() => resolveOptions({ membershipsPerUser: -1 })).toThrow(RangeError);
  });
});
