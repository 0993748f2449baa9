/**
 * Cycle detection over `includeGroups`. Kept apart from nesting-graph.ts (and free of other core imports) so
 * the rules schema can report cycles at load time without depending on evaluation code.
 */

/** The part of a group entry nesting looks at. */
export interface NestingEntry {
  group: string;
  includeGroups: readonly string[];
}

/**
 * Finds one cycle, as the group names written in the rules with the first name repeated at the end
 * (`['A', 'B', 'C', 'A']`; a self-reference is `['A', 'A']`). Entries are explored in file order and
 * references in the order listed, so the same file always reports the same cycle. References to names that
 * are not entries are ignored here (they are reported separately).
 */
export function findNestingCycle(entries: readonly NestingEntry[]): string[] | undefined {
  const edges = new Map<string, readonly string[]>();
  for (const entry of entries) if (!edges.has(entry.group)) edges.set(entry.group, entry.includeGroups);

  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();

  const visit = (node: string): string[] | undefined => {
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (onStack.has(next)) return [...stack.slice(stack.indexOf(next)), next];
      if (done.has(next) || !edges.has(next)) continue;
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
    return undefined;
  };

  for (const node of edges.keys()) {
    if (done.has(node)) continue;
    const cycle = visit(node);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** `nesting cycle: A → B → C → A`. */
export function formatCycle(path: readonly string[]): string {
  return `nesting cycle: ${path.join(' → ')}`;
}
