import { createHash } from 'node:crypto';
import { buildPlan, planDigest } from '../../../src/core/plan';
import { groupPlan } from './helpers';

const sha256 = () => createHash('sha256');

describe('buildPlan', () => {
  it('totals adds, removes and changed groups, keeping the given order', () => {
    const plan = buildPlan([
      groupPlan('g2', ['a', 'b'], ['c']),
      groupPlan('g1', [], []),
      groupPlan('g3', [], ['d', 'e']),
    ]);
    expect(plan.totals).toEqual({ adds: 2, removes: 3, groupsChanged: 2, groups: 3 });
    expect(plan.groups.map((g) => g.groupId)).toEqual(['g2', 'g1', 'g3']);
  });

  it('handles an empty plan', () => {
    expect(buildPlan([])).toEqual({ groups: [], totals: { adds: 0, removes: 0, groupsChanged: 0, groups: 0 } });
  });

  it('rejects two entries for the same group id', () => {
    expect(() => buildPlan([groupPlan('g1', [], [], 1, 'Support'), groupPlan('g1', [], [], 1, 'g1')])).toThrow(
      "two plan entries target group id g1 ('Support' and 'g1'); a group may appear in the rules only once",
    );
  });
});

describe('planDigest', () => {
  const plan = buildPlan([groupPlan('g2', ['b', 'a'], ['c']), groupPlan('g1', [], ['z'])]);

  it('is the hex SHA-256 of the canonical JSON of ids and changes, groups sorted by id', () => {
    const canonical =
      '{"groups":[{"groupId":"g1","toAdd":[],"toRemove":["z"]},{"groupId":"g2","toAdd":["a","b"],"toRemove":["c"]}],"v":1}';
    expect(planDigest(plan, sha256)).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(planDigest(plan, sha256)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on group order or member order', () => {
    const reordered = buildPlan([groupPlan('g1', [], ['z']), groupPlan('g2', ['a', 'b'], ['c'])]);
    expect(planDigest(reordered, sha256)).toBe(planDigest(plan, sha256));
  });

  it('ignores names and counts', () => {
    const renamed = buildPlan([
      groupPlan('g2', ['a', 'b'], ['c'], 7, 'Renamed'),
      groupPlan('g1', [], ['z'], 9, 'Other'),
    ]);
    expect(planDigest(renamed, sha256)).toBe(planDigest(plan, sha256));
  });

  it('changes when any add, remove or group id changes', () => {
    const digest = planDigest(plan, sha256);
    expect(planDigest(buildPlan([groupPlan('g2', ['a'], ['c']), groupPlan('g1', [], ['z'])]), sha256)).not.toBe(digest);
    expect(planDigest(buildPlan([groupPlan('g2', ['a', 'b'], []), groupPlan('g1', [], ['z'])]), sha256)).not.toBe(
      digest,
    );
    expect(planDigest(buildPlan([groupPlan('g2', ['a', 'b'], ['c']), groupPlan('g9', [], ['z'])]), sha256)).not.toBe(
      digest,
    );
    // Moving an id from "remove" to "add" is a different plan.
    expect(planDigest(buildPlan([groupPlan('g2', ['a', 'b', 'c'], []), groupPlan('g1', [], ['z'])]), sha256)).not.toBe(
      digest,
    );
  });

  it('does not mutate the plan it digests', () => {
    const before = JSON.stringify(plan);
    planDigest(plan, sha256);
    expect(JSON.stringify(plan)).toBe(before);
  });
});
