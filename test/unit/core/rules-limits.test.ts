/** Size limits, the large-JSON fast path and the iterative nesting walks. */
import { findDuplicateJsonKey, parseJsonStrictly } from '../../../src/core/json-fast-path';
import { findNestingCycle, formatCycle, longestNestingChain } from '../../../src/core/nesting-cycle';
import { NestingGraph } from '../../../src/core/nesting-graph';
import { checkRulesValueLimits, RULES_LIMITS } from '../../../src/core/rules-limits';
import { parseRules } from '../../../src/core/rules-parse';
import { RulesValidationError } from '../../../src/core/rules-validate';

const chain = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ group: `g${i}`, includeGroups: i + 1 < n ? [`g${i + 1}`] : [] }));

describe('checkRulesValueLimits', () => {
  it('accepts an ordinary document', () => {
    expect(checkRulesValueLimits({ version: 1, groups: [{ group: 'A', include: { role: 'x' } }] })).toBeUndefined();
  });

  it('reports depth with a (shortened) path, whatever the depth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkRulesValueLimits({ groups: deep })).toEqual({
      path: ['groups', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      message: 'nested more than 48 levels deep (path shortened; simplify the selectors)',
    });
  });

  it('bounds strings, keys and the number of selectors', () => {
    expect(checkRulesValueLimits({ a: 'x'.repeat(4097) })?.message).toBe('must be at most 4096 characters (got 4097)');
    expect(checkRulesValueLimits({ ['k'.repeat(4097)]: 1 })?.message).toMatch(/key is longer than 4096/);
    const any = Array.from({ length: RULES_LIMITS.maxSelectors + 1 }, () => ({ role: 'x' }));
    expect(checkRulesValueLimits({ groups: [{ group: 'A', include: { any } }] })).toEqual({
      path: ['groups', 0, 'include'],
      message: 'too many selectors: at most 10000 in all',
    });
  });
});

describe('large JSON documents', () => {
  it('finds duplicate keys per object, with escapes and nesting', () => {
    expect(findDuplicateJsonKey('{"a": 1, "b": {"a": 2}, "c": ["a", "a"]}')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a\\"b": 1,\n "a\\u0022b": 2}')).toEqual({ key: 'a"b', line: 2 });
    expect(parseJsonStrictly('version: 1')).toBeUndefined();
    expect(parseJsonStrictly('{"x": [1, 2]}')).toEqual({ value: { x: [1, 2] } });
  });

  it('parses a large JSON rules document quickly, refusing a duplicate key like YAML does', () => {
    const groups = chain(2000).map((g, i) => (i === 1999 ? { ...g, include: { role: 'x' } } : g));
    const text = JSON.stringify({ version: 1, groups }, null, 1);
    expect(text.length).toBeGreaterThan(64 * 1024);
    const started = performance.now();
    expect(() => parseRules(text, 'big.json')).toThrow(/includeGroups nests 2000 levels deep, starting at 'g0'/);
    expect(performance.now() - started).toBeLessThan(1000);
    const duplicated = text.replace('"version": 1', '"version": 1, "version": 1');
    expect(() => parseRules(duplicated, 'big.json')).toThrow(RulesValidationError);
    expect(() => parseRules(duplicated, 'big.json')).toThrow(/Map keys must be unique \(duplicate key "version"\)/);
  });
});

describe('nesting walks are iterative', () => {
  it('finds a cycle through 10,000 groups and abbreviates it', () => {
    const groups = chain(10_000);
    groups[9999].includeGroups = ['g0'];
    const cycle = findNestingCycle(groups)!;
    expect(cycle).toHaveLength(10_001);
    expect(formatCycle(cycle)).toMatch(/^nesting cycle: g0 → g1 → .* → g18 → … → g0 \(10000 groups\)$/);
    expect(formatCycle(['A', 'B', 'A'])).toBe('nesting cycle: A → B → A');
  });

  it('measures and orders a chain of 10,000 groups', () => {
    const groups = chain(10_000);
    expect(longestNestingChain(groups)).toHaveLength(10_000);
    const order = NestingGraph.fromRules({
      groups: groups.map((g) => ({ ...g, mode: 'exact' as const })),
    }).topologicalOrder();
    expect(order[0]).toBe('g9999');
    expect(order.at(-1)).toBe('g0');
  });

  it('picks the longest chain among branches', () => {
    const groups = [
      { group: 'A', includeGroups: ['B', 'C'] },
      { group: 'B', includeGroups: [] },
      { group: 'C', includeGroups: ['D'] },
      { group: 'D', includeGroups: [] },
    ];
    expect(longestNestingChain(groups)).toEqual(['A', 'C', 'D']);
  });
});
