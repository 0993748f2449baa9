import { canonicalJson } from '../../src/core/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and emits no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('is independent of key insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('sorts by UTF-16 code units, like RFC 8785', () => {
    expect(canonicalJson({ b: 0, B: 0, é: 0, a: 0, '10': 0, '9': 0 })).toBe('{"10":0,"9":0,"B":0,"a":0,"b":0,"é":0}');
  });

  it('escapes strings as JSON does and keeps unicode', () => {
    expect(canonicalJson({ s: 'quote " backslash \\ newline \n → ✓' })).toBe(
      '{"s":"quote \\" backslash \\\\ newline \\n → ✓"}',
    );
  });

  it('omits undefined object values (as a JSON round trip would) and honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: new Date('2025-01-02T03:04:05.000Z') })).toBe(
      '{"b":"2025-01-02T03:04:05.000Z"}',
    );
  });

  it('round-trips: canonicalJson(JSON.parse(canonicalJson(v))) is stable', () => {
    const value = { n: [1, 1.5, -0, 1e21, 2 ** 53], s: '', o: {}, a: [] };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
    expect(once).toBe('{"a":[],"n":[1,1.5,0,1e+21,9007199254740992],"o":{},"s":""}');
  });

  it('accepts objects from another realm and null-prototype objects', () => {
    expect(canonicalJson(structuredClone({ b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { a: 1 }))).toBe('{"a":1}');
  });

  it.each([
    ['undefined', undefined],
    ['undefined in an array', [1, undefined]],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['a symbol', { s: Symbol('x') }],
    ['a Map', { m: new Map() }],
    ['a class instance', { c: new (class Thing {})() }],
  ])('throws a TypeError for %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('throws on cycles but accepts repeated (acyclic) references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle at \$\.self/);
  });
});
