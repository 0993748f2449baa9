/**
 * Cycle detection and depth measurement over `includeGroups`. Kept apart from nesting-graph.ts (and free of
 * other core imports) so the rules schema can report cycles at load time without depending on evaluation code.
 *
 * Both walks are iterative (an explicit stack, never recursion): a rules file is input, and a chain or cycle of
 * thousands of groups must give an error message, not `Maximum call stack size exceeded`.
 */

/** The part of a group entry nesting looks at. */
export interface NestingEntry {
  group: string;
  includeGroups: readonly string[];
}

/** Longest `includeGroups` chain accepted (a group including a group including … this many levels deep). */
export const MAX_NESTING_CHAIN = 100;

function edgesOf(entries: readonly NestingEntry[]): Map<string, readonly string[]> {
  const edges = new Map<string, readonly string[]>();
  for (const entry of entries) if (!edges.has(entry.group)) edges.set(entry.group, entry.includeGroups);
  return edges;
}

/**
 * Finds one cycle, as the group names written in the rules with the first name repeated at the end
 * (`['A', 'B', 'C', 'A']`; a self-reference is `['A', 'A']`). Entries are explored in file order and
 * references in the order listed, so the same file always reports the same cycle. References to names that
 * are not entries are ignored here (they are reported separately).
 */
export function findNestingCycle(entries: readonly NestingEntry[]): string[] | undefined {
  const edges = edgesOf(entries);
  const done = new Set<string>();
  for (const root of edges.keys()) {
    if (done.has(root)) continue;
    // path[i] is on the current DFS path; next[i] is the index of the next reference of path[i] to explore.
    const path: string[] = [root];
    const next: number[] = [0];
    const onPath = new Set<string>([root]);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top];
      const refs = edges.get(node) ?? [];
      if (next[top] >= refs.length) {
        path.pop();
        next.pop();
        onPath.delete(node);
        done.add(node);
        continue;
      }
      const child = refs[next[top]++];
      if (onPath.has(child)) return [...path.slice(path.indexOf(child)), child];
      if (done.has(child) || !edges.has(child)) continue;
      path.push(child);
      next.push(0);
      onPath.add(child);
    }
  }
  return undefined;
}

/**
 * The longest `includeGroups` chain, as group names from the outermost group down (`['A', 'B', 'C']` when A
 * includes B which includes C). Only meaningful without cycles (call {@link findNestingCycle} first); names that
 * are not entries are ignored. Among chains of equal length the first in file order wins.
 */
export function longestNestingChain(entries: readonly NestingEntry[]): string[] {
  const edges = edgesOf(entries);
  // depth[g]: groups on the longest chain starting at g (1 for a group that includes nothing); via[g]: its next.
  const depth = new Map<string, number>();
  const via = new Map<string, string>();
  for (const root of edges.keys()) {
    if (depth.has(root)) continue;
    const stack: string[] = [root];
    const expanded = new Set<string>();
    while (stack.length > 0) {
      const node = stack[stack.length - 1];
      if (depth.has(node)) {
        stack.pop();
        continue;
      }
      const refs = (edges.get(node) ?? []).filter((ref) => edges.has(ref));
      if (!expanded.has(node)) {
        expanded.add(node);
        // A node seen twice on the stack without a depth is a cycle; callers check cycles first, so stop here.
        for (const ref of refs) if (!depth.has(ref) && !expanded.has(ref)) stack.push(ref);
        continue;
      }
      stack.pop();
      let best = 0;
      let bestRef: string | undefined;
      for (const ref of refs) {
        const d = depth.get(ref) ?? 0;
        if (d > best) {
          best = d;
          bestRef = ref;
        }
      }
      depth.set(node, best + 1);
      if (bestRef !== undefined) via.set(node, bestRef);
    }
  }
  let start: string | undefined;
  for (const group of edges.keys()) if (start === undefined || depth.get(group)! > depth.get(start)!) start = group;
  const chain: string[] = [];
  for (let node = start; node !== undefined && chain.length <= edges.size; node = via.get(node)) chain.push(node);
  return chain;
}

/** Most names a cycle message spells out (a cycle through thousands of groups would make an unreadable line). */
const MAX_CYCLE_NAMES = 20;

/** `nesting cycle: A → B → C → A`; a long cycle shows its first names, `…`, the repeated first name and its length. */
export function formatCycle(path: readonly string[]): string {
  if (path.length <= MAX_CYCLE_NAMES) return `nesting cycle: ${path.join(' → ')}`;
  const shown = [...path.slice(0, MAX_CYCLE_NAMES - 1), '…', path[path.length - 1]];
  return `nesting cycle: ${shown.join(' → ')} (${path.length - 1} groups)`;
}
