import { findNestingCycle } from '../../../src/core/nesting-cycle';
import { formatCycle, NestingError, NestingGraph, resolveDesired } from '../../../src/core/nesting-graph';
import type { GroupRule, RulesDocument } from '../../../src/core/rules-schema';
import { rules, user } from './helpers';

/** A document built directly (bypassing the schema, which would reject cycles and unknown names itself). */
function graphDoc(edges: Record<string, string[]>): Pick<RulesDocument, 'groups'> {
  const groups: GroupRule[] = Object.entries(edges).map(([group, includeGroups]) => ({
    group,
    mode: 'exact',
    includeGroups,
    include: { kind: 'userId', match: { kind: 'exact', value: `member-of-${group}` } },
  }));
  return { groups };
}

describe('NestingGraph.findCycle', () => {
  it('finds A → B → A', () => {
    expect(NestingGraph.fromRules(graphDoc({ A: ['B'], B: ['A'] })).findCycle()).toEqual(['A', 'B', 'A']);
  });

  it('finds A → B → C → A and formats it exactly', () => {
    const cycle = NestingGraph.fromRules(graphDoc({ A: ['B'], B: ['C'], C: ['A'] })).findCycle();
    expect(cycle).toEqual(['A', 'B', 'C', 'A']);
    expect(formatCycle(cycle!)).toBe('nesting cycle: A → B → C → A');
  });

  it('treats self-reference as a cycle', () => {
    expect(NestingGraph.fromRules(graphDoc({ A: ['A'] })).findCycle()).toEqual(['A', 'A']);
  });

  it('reports only the cycle, not the path that leads into it, using names as written', () => {
    const cycle = NestingGraph.fromRules(
      graphDoc({
        'All Support': ['Support Tier 1'],
        'Support Tier 1': ['Support Tier 2'],
        'Support Tier 2': ['Support Tier 1'],
      }),
    ).findCycle();
    expect(cycle).toEqual(['Support Tier 1', 'Support Tier 2', 'Support Tier 1']);
  });

  it('returns undefined for a DAG with shared children (diamond)', () => {
    expect(NestingGraph.fromRules(graphDoc({ A: ['B', 'C'], B: ['D'], C: ['D'], D: [] })).findCycle()).toBeUndefined();
  });

  it('is deterministic: file order and reference order decide which cycle is reported', () => {
    const doc = graphDoc({ A: ['C', 'B'], B: ['A'], C: ['A'] });
    expect(NestingGraph.fromRules(doc).findCycle()).toEqual(['A', 'C', 'A']);
    expect(findNestingCycle(doc.groups)).toEqual(['A', 'C', 'A']);
  });
});

describe('NestingGraph.fromRules: unknown names', () => {
  it('throws a NestingError listing every unknown name and where it is used', () => {
    let error: unknown;
    try {
      NestingGraph.fromRules(graphDoc({ All: ['T1', 'T9', 'T8'], Other: ['T9'], T1: [] }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NestingError);
    const nesting = error as NestingError;
    expect(nesting.kind).toBe('unknown-groups');
    expect(nesting.unknownGroups).toEqual(['T8', 'T9']);
    expect(nesting.message).toBe(
      "includeGroups references groups not defined in the rules: 'T8' (in 'All'), 'T9' (in 'All', 'Other')",
    );
  });
});

describe('NestingGraph.topologicalOrder', () => {
  it('puts every group after the groups it includes', () => {
    const order = NestingGraph.fromRules(
      graphDoc({ Top: ['Mid', 'Leaf2'], Mid: ['Leaf1'], Leaf1: [], Leaf2: [] }),
    ).topologicalOrder();
    expect(order).toEqual(['Leaf1', 'Mid', 'Leaf2', 'Top']);
  });

  it('throws a cycle NestingError with the formatted message', () => {
    const graph = NestingGraph.fromRules(graphDoc({ A: ['B'], B: ['A'] }));
    expect(() => graph.topologicalOrder()).toThrow(new Error('nesting cycle: A → B → A'));
    try {
      graph.topologicalOrder();
    } catch (err) {
      expect((err as NestingError).kind).toBe('cycle');
      expect((err as NestingError).cycle).toEqual(['A', 'B', 'A']);
    }
  });
});

describe('resolveDesired', () => {
  const doc = rules(`
version: 1
groups:
  - group: All Support
    includeGroups: [Support Tier 1, Support Tier 2]
    exclude: {title: /contractor/i}
  - group: Support Tier 1
    include: {role: Tier1}
  - group: Support Tier 2
    include: {role: Tier2}
    includeGroups: [Escalations]
  - group: Escalations
    include: {userId: u-esc}
  - group: Leads
    include: {title: Lead}
    includeGroups: [Support Tier 1]
`);
  const users = [
    user('u-1', { roles: [{ id: 'r1', name: 'Tier1' }] }),
    user('u-2', { roles: [{ id: 'r2', name: 'Tier2' }] }),
    user('u-c', { roles: [{ id: 'r1', name: 'Tier1' }], title: 'Contractor' }),
    user('u-esc'),
    user('u-lead', { title: 'Lead' }),
    user('u-old', { roles: [{ id: 'r1', name: 'Tier1' }], state: 'inactive' }),
  ];

  it('unions nested groups transitively and applies each group’s own exclude to the union', () => {
    const desired = resolveDesired(doc, users);
    expect(Object.fromEntries(desired)).toEqual({
      'All Support': ['u-1', 'u-2', 'u-esc'],
      'Support Tier 1': ['u-1', 'u-c'],
      'Support Tier 2': ['u-2', 'u-esc'],
      Escalations: ['u-esc'],
      Leads: ['u-1', 'u-c', 'u-lead'],
    });
  });

  it('returns groups in file order', () => {
    expect([...resolveDesired(doc, users).keys()]).toEqual([
      'All Support',
      'Support Tier 1',
      'Support Tier 2',
      'Escalations',
      'Leads',
    ]);
  });

  it('throws on a cycle before evaluating anything', () => {
    expect(() => resolveDesired(graphDoc({ A: ['B'], B: ['C'], C: ['A'] }), users)).toThrow(
      'nesting cycle: A → B → C → A',
    );
    expect(() => resolveDesired(graphDoc({ A: ['A'] }), users)).toThrow('nesting cycle: A → A');
  });

  it('throws on unknown includeGroups names', () => {
    expect(() => resolveDesired(graphDoc({ A: ['Nope'] }), users)).toThrow(
      /not defined in the rules: 'Nope' \(in 'A'\)/,
    );
  });
});
