/**
 * The `includeGroups` graph: validation (unknown names, cycles) and resolution of desired membership, where a
 * group's desired members are its own selection plus the desired members of every group it includes.
 */
import type { DirectoryUser } from './directory-user';
import { compileSelector } from './evaluate';
import { findNestingCycle, formatCycle } from './nesting-cycle';
import type { GroupRule, RulesDocument } from './rules-schema';

export { formatCycle };

/** Why nesting is unusable. The message is ready to show to operators. */
export class NestingError extends Error {
  override readonly name = 'NestingError';

  private constructor(
    message: string,
    /** `cycle`: see {@link NestingError.cycle}; `unknown-groups`: see {@link NestingError.unknownGroups}. */
    readonly kind: 'cycle' | 'unknown-groups',
    /** The cycle as written in the rules, first name repeated last. Empty unless `kind === 'cycle'`. */
    readonly cycle: readonly string[],
    /** Sorted names referenced by `includeGroups` but not defined. Empty unless `kind === 'unknown-groups'`. */
    readonly unknownGroups: readonly string[],
  ) {
    super(message);
  }

  /** A cycle error; the message is {@link formatCycle} of the path. */
  static cycle(path: readonly string[]): NestingError {
    return new NestingError(formatCycle(path), 'cycle', [...path], []);
  }

  /** An unknown-names error listing every missing name and where it is referenced. */
  static unknownGroups(references: ReadonlyMap<string, readonly string[]>): NestingError {
    const names = [...references.keys()].sort();
    const detail = names.map(
      (name) =>
        `'${name}' (in ${references
          .get(name)!
          .map((g) => `'${g}'`)
          .join(', ')})`,
    );
    return new NestingError(
      `includeGroups references groups not defined in the rules: ${detail.join(', ')}`,
      'unknown-groups',
      [],
      names,
    );
  }
}

/** The directed graph group → groups it includes, keyed by the `group` value as written in the rules. */
export class NestingGraph {
  private constructor(private readonly edges: ReadonlyMap<string, readonly string[]>) {}

  /**
   * Builds the graph. Duplicate entries are rejected by the schema; here the first entry wins.
   *
   * @throws NestingError (`unknown-groups`) when `includeGroups` names a group that is not an entry.
   */
  static fromRules(doc: Pick<RulesDocument, 'groups'>): NestingGraph {
    const edges = new Map<string, readonly string[]>();
    for (const rule of doc.groups) if (!edges.has(rule.group)) edges.set(rule.group, [...rule.includeGroups]);
    const unknown = new Map<string, string[]>();
    for (const [group, includes] of edges) {
      for (const name of includes) {
        if (edges.has(name)) continue;
        const referrers = unknown.get(name) ?? [];
        if (!referrers.includes(group)) referrers.push(group);
        unknown.set(name, referrers);
      }
    }
    if (unknown.size > 0) throw NestingError.unknownGroups(unknown);
    return new NestingGraph(edges);
  }

  /** Group keys in file order. */
  get groups(): string[] {
    return [...this.edges.keys()];
  }

  /** The groups `group` includes directly, in the order written. */
  includes(group: string): readonly string[] {
    return this.edges.get(group) ?? [];
  }

  /** One cycle (`['A', 'B', 'C', 'A']`, self-reference `['A', 'A']`), or `undefined` if there is none. */
  findCycle(): string[] | undefined {
    return findNestingCycle([...this.edges].map(([group, includeGroups]) => ({ group, includeGroups })));
  }

  /**
   * Every group after all the groups it includes (depth-first post-order from file order, so deterministic).
   *
   * @throws NestingError (`cycle`) when the graph has a cycle.
   */
  topologicalOrder(): string[] {
    const cycle = this.findCycle();
    if (cycle !== undefined) throw NestingError.cycle(cycle);
    // Iterative post-order (no recursion: chains of thousands of groups must not exhaust the stack).
    const order: string[] = [];
    const seen = new Set<string>();
    for (const root of this.groups) {
      if (seen.has(root)) continue;
      seen.add(root);
      const path: string[] = [root];
      const next: number[] = [0];
      while (path.length > 0) {
        const top = path.length - 1;
        const refs = this.includes(path[top]);
        if (next[top] < refs.length) {
          const child = refs[next[top]++];
          if (seen.has(child)) continue;
          seen.add(child);
          path.push(child);
          next.push(0);
        } else {
          order.push(path.pop()!);
          next.pop();
        }
      }
    }
    return order;
  }
}

/**
 * Desired members of every group entry: active users selected by the entry's `include`, plus the desired
 * members of the groups it includes (transitively), minus anyone matching the entry's `exclude`. The
 * exclusion applies to nested contributions too, so `exclude` always has the last word for its group.
 *
 * @returns a map from the `group` value as written to sorted, unique user ids, in file order.
 * @throws NestingError for unknown `includeGroups` names or a cycle (before anything is evaluated).
 */
export function resolveDesired(
  doc: Pick<RulesDocument, 'groups'>,
  users: readonly DirectoryUser[],
): Map<string, string[]> {
  const graph = NestingGraph.fromRules(doc);
  const order = graph.topologicalOrder();
  const rules = new Map<string, GroupRule>();
  for (const rule of doc.groups) if (!rules.has(rule.group)) rules.set(rule.group, rule);
  const active = users.filter((user) => user.state === 'active');
  const byId = new Map(active.map((user) => [user.id, user]));

  const resolved = new Map<string, string[]>();
  for (const group of order) {
    const rule = rules.get(group)!;
    const ids = new Set<string>();
    if (rule.include !== undefined) {
      const include = compileSelector(rule.include);
      for (const user of active) if (include(user)) ids.add(user.id);
    }
    for (const child of graph.includes(group)) for (const id of resolved.get(child)!) ids.add(id);
    if (rule.exclude !== undefined) {
      const exclude = compileSelector(rule.exclude);
      for (const id of ids) if (exclude(byId.get(id)!)) ids.delete(id);
    }
    resolved.set(group, [...ids].sort());
  }
  return new Map(graph.groups.map((group) => [group, resolved.get(group)!]));
}
