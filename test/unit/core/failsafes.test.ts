import {
  failsafeChecks,
  findUnmatchedSelectors,
  formatPercents,
  individualsAfter,
  narrowingUnmatchedByGroup,
  planWarnings,
  thresholdChecks,
} from '../../../src/core/failsafes';
import { DEFAULT_FAILSAFE_SETTINGS } from '../../../src/core/policy-schema';
import { groupPlan, rules, user } from './helpers';

describe('individualsAfter', () => {
  it('is current − removes + adds', () => {
    expect(individualsAfter(groupPlan('g', ['a', 'b'], ['c'], 10))).toBe(11);
    expect(individualsAfter(groupPlan('g', [], ['a', 'b'], 2))).toBe(0);
  });
});

describe('findUnmatchedSelectors', () => {
  const doc = rules(`
version: 1
groups:
  - group: Sales
    include:
      - department: Sales
      - department: Salse
      - all: [{title: /lead/i}, {not: {location: Atlantis}}]
    exclude: {skill: Billing, minProficiency: 4}
  - group: Admins
    include: {role: Admin}
`);
  const users = [
    user('u1', { department: 'Sales', title: 'Team Lead', skills: [{ id: 's1', name: 'Billing', proficiency: 5 }] }),
    // Only an inactive user has the Admin role: active users are what the rules select from.
    user('u2', { state: 'inactive', roles: [{ id: 'r1', name: 'Admin' }] }),
  ];

  it('names every attribute selector no active user matches, with its path, in rules order', () => {
    expect(findUnmatchedSelectors(doc, users)).toEqual([
      { ruleIndex: 0, rule: 'Sales', path: 'include.any[1].department', selector: 'department: Salse', narrows: true },
      {
        ruleIndex: 0,
        rule: 'Sales',
        path: 'include.any[2].all[1].not.location',
        selector: 'location: Atlantis',
        narrows: false,
      },
      { ruleIndex: 1, rule: 'Admins', path: 'include.role', selector: 'role: Admin', narrows: true },
    ]);
  });

  it('is empty when every selector matches someone', () => {
    const matchedAll = [
      ...users,
      user('u3', {
        roles: [{ id: 'r1', name: 'Admin' }],
        locations: [{ id: 'l', name: 'Atlantis' }],
        department: 'Salse',
      }),
    ];
    expect(findUnmatchedSelectors(doc, matchedAll)).toEqual([]);
  });

  it('reports a skill selector with its proficiency threshold', () => {
    const weak = [
      user('u1', { department: 'Sales', title: 'Lead', skills: [{ id: 's1', name: 'Billing', proficiency: 3 }] }),
    ];
    expect(findUnmatchedSelectors(doc, weak)).toContainEqual({
      ruleIndex: 0,
      rule: 'Sales',
      path: 'exclude.skill',
      selector: 'skill: Billing (minProficiency 4)',
      narrows: false,
    });
  });
});

describe('narrowingUnmatchedByGroup', () => {
  const nested = rules(`
version: 1
groups:
  - group: Support
    include: {role: Support Agent}
    exclude: {title: /contractor/i}
  - group: Voice
    include: {skill: Voice}
  - group: Everyone
    includeGroups: [Support, Voice]
  - group: Quiet
    include: {department: Ops}
`);
  const site = (rule: string, path: string, narrows: boolean) => ({
    ruleIndex: 0,
    rule,
    path,
    selector: path,
    narrows,
  });

  it('gives each group the narrowing selectors of its own entry and of the groups it includes, transitively', () => {
    const role = site('Support', 'include.role', true);
    const skill = site('Voice', 'include.skill', true);
    const byGroup = narrowingUnmatchedByGroup(nested, [role, site('Support', 'exclude.title', false), skill]);
    expect(byGroup).toEqual(
      new Map([
        ['Support', [role]],
        ['Voice', [skill]],
        ['Everyone', [role, skill]],
      ]),
    );
  });

  it('is empty when no unmatched selector narrows a group', () => {
    expect(narrowingUnmatchedByGroup(nested, [site('Support', 'exclude.title', false)]).size).toBe(0);
  });
});

describe('planWarnings', () => {
  it('warns about unmatched selectors, groups losing their last member and groups above the cap', () => {
    const warnings = planWarnings(
      { maxIndividualMembers: 3 },
      [
        groupPlan('g1', [], ['a', 'b'], 2, 'Emptied'),
        groupPlan('g2', [], [], 4, 'Big and unchanged'),
        groupPlan('g3', ['x'], [], 0, 'Fine'),
      ],
      {
        unmatchedSelectors: [
          { ruleIndex: 2, rule: 'Sales', path: 'include.department', selector: 'department: Salse', narrows: true },
        ],
      },
    );
    expect(warnings).toEqual([
      "groups[2].include.department (department: Salse) in 'Sales' matches no active user",
      'group Emptied would have no individual members left (2 now)',
      'group Big and unchanged would have 4 individual members; Genesys recommends at most 1,000 individually added members per group (maxIndividualMembers 3)',
    ]);
  });

  it('says nothing about a group that was already empty and stays so', () => {
    expect(planWarnings(DEFAULT_FAILSAFE_SETTINGS, [groupPlan('g', [], [], 0)], {})).toEqual([]);
  });
});

describe('thresholdChecks and failsafeChecks', () => {
  it('use the group id when the name is empty', () => {
    const groups = [groupPlan('g-42', ['n', 'm'], ['a', 'b'], 2, '')];
    expect(
      thresholdChecks(
        { maxRemovals: 10, maxRemovalRatio: 0.5, minGroupSizeForRatio: 0, maxIndividualMembers: 1 },
        groups,
      ).reasons,
    ).toEqual([
      'group g-42 would lose 2 of 2 members (100% > 50%)',
      'group g-42 would have 2 individual members (more than maxIndividualMembers 1; Genesys recommends at most 1,000 individually added members per group)',
    ]);
    expect(failsafeChecks({ ...DEFAULT_FAILSAFE_SETTINGS, minMembersAfter: 3 }, groups, {}).reasons).toEqual([
      'group g-42 would be left with 2 individual members after losing 2 (fewer than minMembersAfter 3)',
    ]);
  });

  it('report a failsafe that is off as off, and a passing one with what it saw', () => {
    const checks = failsafeChecks(
      { ...DEFAULT_FAILSAFE_SETTINGS, maxGroupsLosingMembersRatio: 0.5, maxTotalRemovals: 10 },
      [groupPlan('g1', [], ['a'], 10), groupPlan('g2', [], [], 10)],
      { activeUsers: 95, previousActiveUsers: 100 },
    ).checks;
    expect(checks).toEqual([
      { name: 'minMembersAfter', tripped: false, detail: 'off' },
      {
        name: 'maxGroupsLosingMembersRatio',
        tripped: false,
        detail: '1 of 2 target groups would lose members (limit 50%)',
      },
      { name: 'maxTotalRemovals', tripped: false, detail: 'run would remove 1 members in total (maxTotalRemovals 10)' },
      { name: 'maxActiveUsersDropRatio', tripped: false, detail: 'active users 100 → 95 since the last completed run' },
      { name: 'approveRoleGrantingGroups', tripped: false, detail: 'not checked: role grants were not read' },
      {
        name: 'approveUnmatchedSelectorRemovals',
        tripped: false,
        detail: 'not checked: unmatched selectors were not given',
      },
    ]);
  });
});

describe('formatPercents', () => {
  it('adds decimals only until the two differ', () => {
    expect(formatPercents(0.3, 0.2)).toEqual(['30%', '20%']);
    expect(formatPercents(0.2001, 0.2)).toEqual(['20.01%', '20%']);
    expect(formatPercents(1 / 3, 0.2)).toEqual(['33.3%', '20%']);
  });
});
