import {
  chunk,
  convergeDelta,
  MAX_MEMBERS_PER_REQUEST,
  planGroup,
  recomputeDelta,
  type GroupPlanInput,
} from '../../../src/core/diff';

const base: Omit<GroupPlanInput, 'mode'> = {
  groupId: 'g1',
  groupName: 'Support',
  desired: ['d', 'a', 'b'],
  current: ['c', 'b', 'x', 'a'],
  ownedByTool: ['x', 'a'],
};

describe('planGroup', () => {
  it('exact: adds desired − current, removes current − desired', () => {
    expect(planGroup({ ...base, mode: 'exact' })).toEqual({
      groupId: 'g1',
      groupName: 'Support',
      mode: 'exact',
      toAdd: ['d'],
      toRemove: ['c', 'x'],
      unchanged: 2,
      currentCount: 4,
      desiredCount: 3,
    });
  });

  it('additive: only adds', () => {
    expect(planGroup({ ...base, mode: 'additive' })).toMatchObject({ toAdd: ['d'], toRemove: [], unchanged: 4 });
  });

  it('managed: removes only undesired members this tool added', () => {
    expect(planGroup({ ...base, mode: 'managed' })).toMatchObject({ toAdd: ['d'], toRemove: ['x'], unchanged: 3 });
  });

  it('never removes a member in keep (exact or managed), whatever the rules say', () => {
    const keep = new Set(['x']);
    expect(planGroup({ ...base, mode: 'exact', keep })).toMatchObject({ toRemove: ['c'], unchanged: 3 });
    expect(planGroup({ ...base, mode: 'managed', keep })).toMatchObject({ toRemove: [], unchanged: 4 });
  });

  it('managed without ownership records removes nobody', () => {
    const { ownedByTool: _owned, ...rest } = base;
    expect(planGroup({ ...rest, mode: 'managed' }).toRemove).toEqual([]);
  });

  it('sorts outputs and ignores duplicates in inputs', () => {
    const plan = planGroup({
      groupId: 'g',
      groupName: 'G',
      mode: 'exact',
      desired: ['z', 'b', 'z', 'a'],
      current: ['y', 'y', 'q'],
    });
    expect(plan).toMatchObject({
      toAdd: ['a', 'b', 'z'],
      toRemove: ['q', 'y'],
      currentCount: 2,
      desiredCount: 3,
      unchanged: 0,
    });
  });

  it('is deterministic regardless of input order', () => {
    const one = planGroup({ ...base, mode: 'exact' });
    const two = planGroup({
      ...base,
      mode: 'exact',
      desired: [...base.desired].reverse(),
      current: [...base.current].reverse(),
    });
    expect(two).toEqual(one);
  });

  it('plans nothing when desired equals current', () => {
    expect(
      planGroup({ groupId: 'g', groupName: 'G', mode: 'exact', desired: ['a', 'b'], current: ['b', 'a'] }),
    ).toMatchObject({
      toAdd: [],
      toRemove: [],
      unchanged: 2,
    });
  });
});

describe('recomputeDelta', () => {
  const approved = planGroup({ ...base, mode: 'exact' }); // add d, remove c and x

  it('drops work already done (a retried batch or a concurrent writer did it)', () => {
    const fresh = recomputeDelta(approved, ['a', 'b', 'd', 'x']); // d added, c removed already
    expect(fresh).toMatchObject({ toAdd: [], toRemove: ['x'], currentCount: 4, unchanged: 3 });
  });

  it('returns the same delta when nothing changed', () => {
    expect(recomputeDelta(approved, base.current)).toEqual(approved);
  });

  it('never adds operations the approver did not see', () => {
    // Someone added 'intruder' and removed 'a' by hand after approval; the next run will plan those.
    const fresh = recomputeDelta(approved, ['b', 'c', 'x', 'intruder']);
    expect(fresh.toAdd).toEqual(['d']);
    expect(fresh.toRemove).toEqual(['c', 'x']);
  });

  it('is empty once the approved plan is fully applied', () => {
    expect(recomputeDelta(approved, ['a', 'b', 'd'])).toMatchObject({ toAdd: [], toRemove: [] });
  });
});

describe('chunk', () => {
  it('splits into batches of at most 50 by default, preserving order', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `u${i}`);
    const batches = chunk(ids);
    expect(MAX_MEMBERS_PER_REQUEST).toBe(50);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(ids);
  });

  it('handles exact multiples, small inputs and empty input', () => {
    expect(chunk(Array.from({ length: 100 }, (_, i) => i)).map((b) => b.length)).toEqual([50, 50]);
    expect(chunk(['a', 'b', 'c'], 2)).toEqual([['a', 'b'], ['c']]);
    expect(chunk([])).toEqual([]);
  });

  it('rejects a non-positive or fractional size', () => {
    expect(() => chunk(['a'], 0)).toThrow(RangeError);
    expect(() => chunk(['a'], 1.5)).toThrow('chunk size must be a positive integer, got 1.5');
  });
});

describe('convergeDelta (after a concurrent edit)', () => {
  const approved = planGroup({
    groupId: 'g',
    groupName: 'G',
    mode: 'exact',
    desired: ['a', 'b', 'c'],
    current: ['a', 'x', 'y'],
  });
  // approved: add b, c; remove x, y

  it('re-adds a desired member someone removed and removes a stranger someone added', () => {
    const d = convergeDelta({
      approved,
      desired: ['a', 'b', 'c'],
      observedAtPlan: ['a', 'x', 'y'],
      fresh: ['x', 'y', 'z', 'b'],
    });
    expect(d.toAdd).toEqual(['a', 'c']);
    expect(d.toRemove).toEqual(['x', 'y', 'z']);
  });

  it('never removes a member who was there at plan time and not approved for removal', () => {
    const settled = planGroup({ groupId: 'g', groupName: 'G', mode: 'exact', desired: ['a'], current: ['a'] });
    const d = convergeDelta({ approved: settled, desired: [], observedAtPlan: ['a'], fresh: ['a', 'n'] });
    expect(d.toRemove).toEqual(['n']);
    expect(d.toAdd).toEqual([]);
  });

  it('respects the group mode (additive never removes, managed only owned)', () => {
    const add = planGroup({ groupId: 'g', groupName: 'G', mode: 'additive', desired: ['a'], current: [] });
    expect(convergeDelta({ approved: add, desired: ['a'], observedAtPlan: [], fresh: ['z'] }).toRemove).toEqual([]);
    const managed = planGroup({ groupId: 'g', groupName: 'G', mode: 'managed', desired: [], current: [] });
    const d = convergeDelta({
      approved: managed,
      desired: [],
      observedAtPlan: [],
      fresh: ['z', 'o'],
      ownedByTool: ['o'],
    });
    expect(d.toRemove).toEqual(['o']);
  });

  it('is empty once the group matches', () => {
    const d = convergeDelta({
      approved,
      desired: ['a', 'b', 'c'],
      observedAtPlan: ['a', 'x', 'y'],
      fresh: ['c', 'b', 'a'],
    });
    expect(d.toAdd).toEqual([]);
    expect(d.toRemove).toEqual([]);
  });
});
