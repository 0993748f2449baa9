import { buildPlan } from '../../../src/core/plan';
import { evaluateApproval, type ApprovalPolicy } from '../../../src/core/policy';
import { DEFAULT_POLICY } from '../../../src/core/rules-schema';
import { groupPlan } from './helpers';

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const policy = (overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy => ({ ...DEFAULT_POLICY, ...overrides });
const never = (overrides: Partial<ApprovalPolicy> = {}) => policy({ requireApproval: 'never', ...overrides });

describe('evaluateApproval: thresholds', () => {
  it('minGroupSizeForRatio: the ratio check skips groups smaller than the minimum, and only those', () => {
    const plan = buildPlan([
      groupPlan('g1', [], ids('a', 5), 9, 'Small'),
      groupPlan('g2', [], ids('b', 5), 10, 'Big enough'),
    ]);
    expect(evaluateApproval(policy({ minGroupSizeForRatio: 10 }), plan).reasons).toEqual([
      'group Big enough would lose 5 of 10 members (50% > 20%)',
    ]);
    // Default 0: every group with members is checked, as before.
    expect(evaluateApproval(policy(), plan).reasons).toHaveLength(2);
  });

  it('maxIndividualMembers: a group growing above the cap needs approval in auto, with the Genesys advice', () => {
    const plan = buildPlan([groupPlan('g1', ids('n', 2), [], 1000, 'Huge')]);
    const decision = evaluateApproval(policy(), plan);
    expect(decision.required).toBe(true);
    expect(decision.reasons).toEqual([
      'group Huge would have 1002 individual members (more than maxIndividualMembers 1000; Genesys recommends at most 1,000 individually added members per group)',
    ]);
    expect(decision.failsafes).toContainEqual({
      name: 'maxIndividualMembers',
      tripped: true,
      detail: decision.reasons[0],
      groupId: 'g1',
    });
    expect(decision.warnings).toEqual([
      'group Huge would have 1002 individual members; Genesys recommends at most 1,000 individually added members per group (maxIndividualMembers 1000)',
    ]);
  });

  it('maxIndividualMembers: exactly at the cap passes; shrinking toward it does not gate but still warns', () => {
    expect(evaluateApproval(policy(), buildPlan([groupPlan('g1', ['x'], [], 999)])).required).toBe(false);
    const shrinking = buildPlan([groupPlan('g1', [], ids('r', 10), 1500, 'Shrinking')]);
    const decision = evaluateApproval(policy({ maxRemovals: 1000 }), shrinking);
    expect(decision.required).toBe(false);
    expect(decision.warnings).toEqual([expect.stringContaining('group Shrinking would have 1490 individual members')]);
  });

  it('maxIndividualMembers: configurable, and off switches it off (warning included)', () => {
    const plan = buildPlan([groupPlan('g1', ids('n', 6), [], 0, 'Team')]);
    expect(evaluateApproval(policy({ maxIndividualMembers: 5 }), plan).reasons).toEqual([
      expect.stringContaining('group Team would have 6 individual members (more than maxIndividualMembers 5;'),
    ]);
    const off = evaluateApproval(
      policy({ maxIndividualMembers: 'off' }),
      buildPlan([groupPlan('g1', ['x'], [], 5000)]),
    );
    expect(off).toMatchObject({ required: false, reasons: [], warnings: [] });
    expect(off.failsafes).toContainEqual({ name: 'maxIndividualMembers', tripped: false, detail: 'off' });
  });

  it('never: thresholds are skipped and reported as such; the individual-member cap still warns', () => {
    const plan = buildPlan([groupPlan('g1', ids('n', 2), ids('r', 500), 1500, 'Huge')]);
    const decision = evaluateApproval(never(), plan);
    expect(decision.required).toBe(false);
    expect(
      decision.failsafes.filter((c) => c.detail === 'not applied: requireApproval is never').map((c) => c.name),
    ).toEqual(['maxRemovals', 'maxRemovalRatio', 'maxIndividualMembers']);
    expect(decision.warnings).toEqual([expect.stringContaining('would have 1002 individual members')]);
  });

  it('always: the fixed reason comes first, then every tripped check', () => {
    const plan = buildPlan([groupPlan('g1', [], ids('r', 30), 100, 'Support')]);
    expect(evaluateApproval(policy({ requireApproval: 'always' }), plan).reasons).toEqual([
      'policy requires approval for every run (requireApproval: always)',
      'group Support would lose 30 of 100 members (30% > 20%)',
    ]);
  });
});

describe('evaluateApproval: failsafes gate in every mode', () => {
  // Thresholds out of the way, so each case shows one failsafe alone.
  const lax = { maxRemovals: 1_000_000, maxRemovalRatio: 1 };

  it.each(['auto', 'never', 'always'] as const)('minMembersAfter trips under %s', (mode) => {
    const plan = buildPlan([
      groupPlan('g1', [], ids('r', 8), 10, 'Shrinks'),
      groupPlan('g2', [], ids('s', 7), 10, 'At floor'),
    ]);
    const decision = evaluateApproval(policy({ ...lax, requireApproval: mode, minMembersAfter: 3 }), plan);
    expect(decision.required).toBe(true);
    expect(decision.reasons).toContain(
      'group Shrinks would be left with 2 individual members after losing 8 (fewer than minMembersAfter 3)',
    );
    expect(decision.failsafes.filter((c) => c.name === 'minMembersAfter')).toEqual([
      { name: 'minMembersAfter', tripped: true, detail: expect.stringContaining('Shrinks') as string, groupId: 'g1' },
    ]);
  });

  it('minMembersAfter only concerns groups that lose members; 1 gates emptying a group; off by default', () => {
    const small = buildPlan([groupPlan('g1', ['x'], [], 0, 'New')]);
    expect(evaluateApproval(never({ minMembersAfter: 5 }), small).required).toBe(false);
    const emptied = buildPlan([groupPlan('g1', [], ids('r', 3), 3, 'Gone')]);
    expect(evaluateApproval(never({ minMembersAfter: 1 }), emptied).reasons).toEqual([
      'group Gone would be left with 0 individual members after losing 3 (fewer than minMembersAfter 1)',
    ]);
    const byDefault = evaluateApproval(never(), emptied);
    expect(byDefault.required).toBe(false);
    expect(byDefault.failsafes).toContainEqual({ name: 'minMembersAfter', tripped: false, detail: 'off' });
    expect(byDefault.warnings).toEqual(['group Gone would have no individual members left (3 now)']);
  });

  it('maxGroupsLosingMembersRatio: share of target groups losing members, strict', () => {
    const plan = buildPlan([
      groupPlan('g1', [], ['a'], 100),
      groupPlan('g2', [], ['b'], 100),
      groupPlan('g3', ['c'], [], 100),
      groupPlan('g4', [], [], 100),
    ]);
    expect(evaluateApproval(never({ maxGroupsLosingMembersRatio: 0.5 }), plan).required).toBe(false);
    const decision = evaluateApproval(never({ maxGroupsLosingMembersRatio: 0.4 }), plan);
    expect(decision.reasons).toEqual([
      '2 of 4 target groups would lose members (50% > 40%, maxGroupsLosingMembersRatio)',
    ]);
    expect(decision.failsafes).toContainEqual({
      name: 'maxGroupsLosingMembersRatio',
      tripped: true,
      detail: decision.reasons[0],
    });
    expect(evaluateApproval(never({ maxGroupsLosingMembersRatio: 0 }), buildPlan([])).required).toBe(false);
  });

  it('maxTotalRemovals: a hard cap across groups that holds under never', () => {
    const plan = buildPlan([groupPlan('g1', [], ids('a', 6), 1000), groupPlan('g2', [], ids('b', 5), 1000)]);
    expect(evaluateApproval(never({ maxTotalRemovals: 10 }), plan).reasons).toEqual([
      'run would remove 11 members in total (more than maxTotalRemovals 10)',
    ]);
    expect(evaluateApproval(never({ maxTotalRemovals: 11 }), plan).required).toBe(false);
  });

  it('maxActiveUsersDropRatio (shrink guard): default 10 %, strict, against the last completed run', () => {
    const plan = buildPlan([groupPlan('g1', ['x'], [], 10)]);
    expect(evaluateApproval(never(), plan, { activeUsers: 900, previousActiveUsers: 1000 }).required).toBe(false);
    const decision = evaluateApproval(never(), plan, { activeUsers: 899, previousActiveUsers: 1000 });
    expect(decision.reasons).toEqual([
      'active users fell from 1000 to 899 since the last completed run (10.1% > 10%, maxActiveUsersDropRatio)',
    ]);
    expect(decision.failsafes).toContainEqual({
      name: 'maxActiveUsersDropRatio',
      tripped: true,
      detail: decision.reasons[0],
    });
    // Growth never trips; a tighter limit does.
    expect(evaluateApproval(never(), plan, { activeUsers: 2000, previousActiveUsers: 1000 }).required).toBe(false);
    expect(
      evaluateApproval(never({ maxActiveUsersDropRatio: 0.01 }), plan, { activeUsers: 980, previousActiveUsers: 1000 })
        .required,
    ).toBe(true);
    expect(
      evaluateApproval(never({ maxActiveUsersDropRatio: 'off' }), plan, { activeUsers: 1, previousActiveUsers: 1000 })
        .required,
    ).toBe(false);
  });

  it('maxActiveUsersDropRatio: the first run, or a missing count, is reported as not checked', () => {
    const plan = buildPlan([]);
    const check = (ctx: Parameters<typeof evaluateApproval>[2]) =>
      evaluateApproval(never(), plan, ctx).failsafes.find((c) => c.name === 'maxActiveUsersDropRatio');
    expect(check({ activeUsers: 10 })).toEqual({
      name: 'maxActiveUsersDropRatio',
      tripped: false,
      detail: 'not checked: no completed run to compare with',
    });
    expect(check({})?.detail).toBe('not checked: active user count not given');
    expect(check({ activeUsers: 0, previousActiveUsers: 0 })?.detail).toBe(
      'not checked: the last completed run saw no active users',
    );
  });

  it('approveRoleGrantingGroups: a changed group that grants roles gates under never, with the roles named', () => {
    const plan = buildPlan([
      groupPlan('g1', ['x'], [], 10, 'Supervisors'),
      groupPlan('g2', ['y'], [], 10, 'Plain'),
      groupPlan('g3', [], [], 10, 'Unchanged admins'),
    ]);
    const roleGrantsByGroupId = {
      g1: [
        { roleId: 'r1', roleName: 'Supervisor', divisionId: 'd1', divisionName: 'Home' },
        { roleId: 'r2', roleName: 'Quality Evaluator' },
      ],
      g2: [],
      g3: [{ roleId: 'r9', roleName: 'Admin' }],
    };
    const decision = evaluateApproval(never(), plan, { roleGrantsByGroupId });
    expect(decision.reasons).toEqual([
      'group Supervisors grants roles Supervisor (division Home), Quality Evaluator: changing its members changes their permissions (approveRoleGrantingGroups)',
    ]);
    expect(decision.failsafes.filter((c) => c.name === 'approveRoleGrantingGroups')).toEqual([
      { name: 'approveRoleGrantingGroups', tripped: true, detail: decision.reasons[0], groupId: 'g1' },
    ]);
    expect(evaluateApproval(never({ approveRoleGrantingGroups: false }), plan, { roleGrantsByGroupId }).required).toBe(
      false,
    );
  });

  it('approveUnmatchedSelectorRemovals: a group losing members behind a selector that matches no one gates under never', () => {
    const plan = buildPlan([
      groupPlan('g1', [], ids('r', 3), 3, 'Support'),
      groupPlan('g2', ['n'], [], 3, 'Growing'),
      groupPlan('g3', [], ids('s', 1), 3, 'Sales'),
    ]);
    const renamed = {
      ruleIndex: 0,
      rule: 'Support',
      path: 'include.role',
      selector: 'role: Support Agent',
      narrows: true,
    };
    const unmatchedSelectorsByGroupId = new Map([
      ['g1', [renamed, { ...renamed, path: 'include.any[1].skill', selector: 'skill: Voice' }]],
      ['g2', [{ ...renamed, ruleIndex: 1, rule: 'Growing' }]],
    ]);
    const decision = evaluateApproval(never(), plan, { unmatchedSelectorsByGroupId });
    expect(decision.reasons).toEqual([
      "group Support would lose 3 members while the selector role: Support Agent (groups[0].include.role in 'Support') " +
        'and 1 more matches no active user: renamed in Genesys, or a typo? (approveUnmatchedSelectorRemovals)',
    ]);
    expect(decision.failsafes.filter((c) => c.name === 'approveUnmatchedSelectorRemovals')).toEqual([
      { name: 'approveUnmatchedSelectorRemovals', tripped: true, detail: decision.reasons[0], groupId: 'g1' },
    ]);
    expect(
      evaluateApproval(never({ approveUnmatchedSelectorRemovals: false }), plan, { unmatchedSelectorsByGroupId })
        .required,
    ).toBe(false);
  });

  it('approveRoleGrantingGroups: fails closed on a changed group whose grants were not read', () => {
    const plan = buildPlan([groupPlan('g1', ['x'], [], 10, 'Mystery')]);
    expect(evaluateApproval(never(), plan, { roleGrantsByGroupId: {} }).reasons).toEqual([
      'group Mystery would change but its role grants are unknown (approveRoleGrantingGroups)',
    ]);
    // Without any grant data the check says so instead of passing silently.
    expect(evaluateApproval(never(), plan).failsafes).toContainEqual({
      name: 'approveRoleGrantingGroups',
      tripped: false,
      detail: 'not checked: role grants were not read',
    });
  });

  it('reports every check once when nothing trips (the audit record of the gate)', () => {
    const plan = buildPlan([groupPlan('g1', ['x'], [], 10)]);
    const decision = evaluateApproval(policy(), plan, {
      activeUsers: 5,
      previousActiveUsers: 5,
      roleGrantsByGroupId: { g1: [] },
      unmatchedSelectorsByGroupId: new Map(),
    });
    expect(decision).toMatchObject({ required: false, reasons: [], warnings: [] });
    expect(decision.failsafes.map((c) => [c.name, c.tripped])).toEqual([
      ['maxRemovals', false],
      ['maxRemovalRatio', false],
      ['maxIndividualMembers', false],
      ['minMembersAfter', false],
      ['maxGroupsLosingMembersRatio', false],
      ['maxTotalRemovals', false],
      ['maxActiveUsersDropRatio', false],
      ['approveRoleGrantingGroups', false],
      ['approveUnmatchedSelectorRemovals', false],
    ]);
  });

  it('lists thresholds first, then failsafes, each with its own reason', () => {
    const plan = buildPlan([groupPlan('g1', [], ids('r', 5), 5, 'Sales')]);
    expect(
      evaluateApproval(policy({ maxRemovals: 4, minMembersAfter: 1, maxTotalRemovals: 4 }), plan, {
        activeUsers: 50,
        previousActiveUsers: 100,
      }).reasons,
    ).toEqual([
      'run would remove 5 members in total (more than maxRemovals 4)',
      'group Sales would lose 5 of 5 members (100% > 20%)',
      'group Sales would be left with 0 individual members after losing 5 (fewer than minMembersAfter 1)',
      'run would remove 5 members in total (more than maxTotalRemovals 4)',
      'active users fell from 100 to 50 since the last completed run (50% > 10%, maxActiveUsersDropRatio)',
    ]);
  });
});
