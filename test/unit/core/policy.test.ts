import { buildPlan } from '../../../src/core/plan';
import { evaluateApproval } from '../../../src/core/policy';
import { DEFAULT_POLICY, type Policy } from '../../../src/core/rules-schema';
import { groupPlan } from './helpers';

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, ...overrides });

describe('evaluateApproval', () => {
  const quiet = buildPlan([groupPlan('g1', ids('a', 5), [], 100, 'Support Tier 1')]);
  const risky = buildPlan([groupPlan('g1', [], ids('r', 30), 100, 'Support Tier 1')]);

  it('always requires approval with requireApproval: always', () => {
    expect(evaluateApproval(policy({ requireApproval: 'always' }), quiet)).toMatchObject({
      required: true,
      reasons: ['policy requires approval for every run (requireApproval: always)'],
    });
  });

  it('never skips the thresholds, whatever the plan (failsafes aside: see policy-failsafes.test.ts)', () => {
    expect(evaluateApproval(policy({ requireApproval: 'never' }), risky)).toMatchObject({
      required: false,
      reasons: [],
    });
  });

  it('auto: not required below the thresholds', () => {
    expect(evaluateApproval(policy(), quiet)).toMatchObject({ required: false, reasons: [] });
  });

  it('auto: required when a group loses more than maxRemovalRatio, with a readable reason', () => {
    expect(evaluateApproval(policy(), risky)).toMatchObject({
      required: true,
      reasons: ['group Support Tier 1 would lose 30 of 100 members (30% > 20%)'],
    });
  });

  it('auto: exactly at the ratio is allowed', () => {
    expect(evaluateApproval(policy(), buildPlan([groupPlan('g1', [], ids('r', 20), 100)])).required).toBe(false);
    expect(evaluateApproval(policy(), buildPlan([groupPlan('g1', [], ids('r', 21), 100)])).required).toBe(true);
  });

  it('auto: required when total removals exceed maxRemovals, across groups', () => {
    const plan = buildPlan([groupPlan('g1', [], ids('a', 6), 1000), groupPlan('g2', [], ids('b', 5), 1000)]);
    expect(evaluateApproval(policy({ maxRemovals: 10 }), plan)).toMatchObject({
      required: true,
      reasons: ['run would remove 11 members in total (more than maxRemovals 10)'],
    });
    expect(evaluateApproval(policy({ maxRemovals: 11 }), plan).required).toBe(false);
  });

  it('auto: maxRemovals 0 gates any removal', () => {
    const plan = buildPlan([groupPlan('g1', [], ['a'], 1000)]);
    expect(evaluateApproval(policy({ maxRemovals: 0 }), plan).required).toBe(true);
  });

  it('auto: groups with no current members never trigger the ratio', () => {
    const plan = buildPlan([groupPlan('g1', ids('a', 50), [], 0)]);
    expect(evaluateApproval(policy({ maxRemovalRatio: 0 }), plan)).toMatchObject({ required: false, reasons: [] });
    // Even a hand-built plan with stale counts must not divide by zero into a bogus "Infinity%" reason.
    const stale = buildPlan([groupPlan('g2', [], ['x'], 0)]);
    expect(evaluateApproval(policy({ maxRemovalRatio: 0.5 }), stale)).toMatchObject({ required: false, reasons: [] });
  });

  it('auto: lists every reason, group by group', () => {
    const plan = buildPlan([
      groupPlan('g1', [], ids('a', 3), 3, 'Sales'),
      groupPlan('g2', [], ids('b', 1), 3, 'Billing'),
      groupPlan('g3', [], ids('c', 1), 100, 'Calm'),
    ]);
    expect(evaluateApproval(policy({ maxRemovals: 4 }), plan).reasons).toEqual([
      'run would remove 5 members in total (more than maxRemovals 4)',
      'group Sales would lose 3 of 3 members (100% > 20%)',
      'group Billing would lose 1 of 3 members (33.3% > 20%)',
    ]);
  });

  it('shows enough decimals that a ratio just over the limit does not read as equal', () => {
    const plan = buildPlan([groupPlan('g1', [], ids('a', 2001), 10000, 'Big')]);
    expect(evaluateApproval(policy({ maxRemovals: 5000 }), plan).reasons).toEqual([
      'group Big would lose 2001 of 10000 members (20.01% > 20%)',
    ]);
  });

  it('falls back to the group id when the name is empty', () => {
    const plan = buildPlan([groupPlan('g-42', [], ids('a', 5), 10, '')]);
    expect(evaluateApproval(policy(), plan).reasons).toEqual(['group g-42 would lose 5 of 10 members (50% > 20%)']);
  });
});
