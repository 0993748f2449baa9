import { canonicalJson } from '../../../src/core/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text for the same value built in a different order', () => {
    const one = { groupId: 'g', toAdd: ['a'], toRemove: [] };
    const two = { toRemove: [], toAdd: ['a'], groupId: 'g' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('keeps array order (order is data)', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
  });

  it('sorts keys by UTF-16 code units, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('escapes strings as JSON.stringify does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak "q" \u0001' })).toBe(
      JSON.stringify({ 'k"ey': 'line\nbreak "q" \u0001' }),
    );
  });

  it('omits undefined properties and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, at: new Date(Date.UTC(2026, 0, 2)) })).toBe(
      '{"at":"2026-01-02T00:00:00.000Z"}',
    );
  });

  it('accepts null-prototype objects', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
  });

  it.each([
    ['NaN', { n: NaN }, /non-finite number at \$\.n/],
    ['Infinity', [Infinity], /non-finite number at \$\[0\]/],
    ['a bigint', { n: BigInt(1) }, /cannot serialise bigint at \$\.n/],
    ['a function', { f: () => 1 }, /cannot serialise function at \$\.f/],
    ['a symbol', { s: Symbol('x') }, /cannot serialise symbol/],
    ['undefined in an array', [1, undefined], /cannot serialise undefined at \$\[1\]/],
    ['top-level undefined', undefined, /cannot serialise undefined at \$/],
    ['a Map', { m: new Map() }, /Map instance at \$\.m/],
    ['a Set', new Set([1]), /Set instance at \$/],
    ['a class instance', { c: new (class Thing {})() }, /Thing instance/],
  ])('throws on %s', (_label, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('throws on cycles but not on shared (acyclic) references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle at \$\.self/);
  });
});
