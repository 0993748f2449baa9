import { clearDelivered, mergeDelta, pendingDelta, type PendingOp } from '../../src/scim/outbox-delta';

const ops = (entries: Record<string, PendingOp>) => new Map(Object.entries(entries));
const asObject = (map: ReadonlyMap<string, PendingOp>) => Object.fromEntries(map);

describe('mergeDelta', () => {
  it('records adds and removes of a first delta', () => {
    expect(asObject(mergeDelta(new Map(), { add: ['a', 'b'], remove: ['c'] }))).toEqual({
      a: 'add',
      b: 'add',
      c: 'remove',
    });
  });

  it('a later add replaces an earlier pending remove of the same member, and vice versa', () => {
    const pending = ops({ u1: 'remove', u2: 'add', u3: 'add' });
    const merged = mergeDelta(pending, { add: ['u1'], remove: ['u2'] });
    expect(asObject(merged)).toEqual({ u1: 'add', u2: 'remove', u3: 'add' });
  });

  it('applies removals before additions within one delta, as Genesys does: an id in both ends up added', () => {
    expect(asObject(mergeDelta(ops({ x: 'remove' }), { add: ['x'], remove: ['x'] }))).toEqual({ x: 'add' });
  });

  it('collapses duplicates and leaves the input map untouched', () => {
    const pending = ops({ a: 'remove' });
    const merged = mergeDelta(pending, { add: ['a', 'a', 'b'], remove: [] });
    expect(merged.size).toBe(2);
    expect(asObject(pending)).toEqual({ a: 'remove' });
  });

  it('is idempotent for the same delta applied twice in a row', () => {
    const delta = { add: ['a'], remove: ['b'] };
    const once = mergeDelta(ops({ c: 'add' }), delta);
    expect(asObject(mergeDelta(once, delta))).toEqual(asObject(once));
  });

  it('refuses empty and non-string ids', () => {
    expect(() => mergeDelta(new Map(), { add: [''], remove: [] })).toThrow(/add contains an empty/);
    expect(() => mergeDelta(new Map(), { add: [], remove: [7 as unknown as string] })).toThrow(/remove contains/);
  });
});

describe('clearDelivered', () => {
  it('clears what was delivered and keeps the rest', () => {
    const left = clearDelivered(ops({ a: 'add', b: 'add', c: 'remove' }), { add: ['a'], remove: ['c'] });
    expect(asObject(left)).toEqual({ b: 'add' });
  });

  it('keeps an op that flipped while its opposite was in flight', () => {
    // Delivered "remove u" while a newer run recorded "add u": the add is still owed to the IdP.
    const left = clearDelivered(ops({ u: 'add' }), { add: [], remove: ['u'] });
    expect(asObject(left)).toEqual({ u: 'add' });
  });

  it('ignores ids that are not pending', () => {
    expect(asObject(clearDelivered(ops({ a: 'add' }), { add: ['zz'], remove: ['a'] }))).toEqual({ a: 'add' });
  });
});

describe('pendingDelta', () => {
  it('splits ops into sorted add and remove lists (code point order)', () => {
    expect(pendingDelta(ops({ b: 'add', B: 'add', a: 'remove', c: 'remove', A: 'add' }))).toEqual({
      add: ['A', 'B', 'b'],
      remove: ['a', 'c'],
    });
  });

  it('round-trips through mergeDelta', () => {
    const pending = ops({ x: 'add', y: 'remove' });
    expect(asObject(mergeDelta(new Map(), pendingDelta(pending)))).toEqual(asObject(pending));
  });
});
