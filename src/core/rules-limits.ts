/**
 * Size limits of a rules source, checked before the schema walks it. A rules file is input (it can arrive in an
 * HTTP request): every dimension is bounded so that no file can exhaust the stack, the heap or the CPU, and each
 * limit gives a message naming where it was exceeded.
 */

import { findNestingCycle, formatCycle, longestNestingChain, MAX_NESTING_CHAIN } from './nesting-cycle';

/** The limits. Generous for any real organisation; documented in docs/security.md. */
export const RULES_LIMITS = Object.freeze({
  /** Largest rules text (UTF-8 bytes) or file read: 512 KiB, about 5,000 typical group entries. */
  maxBytes: 512 * 1024,
  /** Deepest nesting of mappings and lists, counted from the top of the document. */
  maxDepth: 48,
  /** Most values (mappings, lists, scalars) in one document. */
  maxValues: 100_000,
  /** Most group entries. */
  maxGroups: 10_000,
  /** Most selectors (attribute and composite) across all `include` and `exclude`. */
  maxSelectors: 10_000,
  /** Longest mapping key or string anywhere (selector values and group names have tighter limits). */
  maxStringLength: 4096,
});

/** A limit exceeded at `path` (mapping keys and list indexes from the document root). */
export interface LimitIssue {
  path: PropertyKey[];
  message: string;
  /** Set when the over-long nesting is a cycle (the cycle as written, first name repeated last). */
  cycle?: string[];
}

/**
 * Walks a decoded rules value iteratively (no recursion, so any depth is safe) and reports the first limit it
 * exceeds, or `undefined`. Runs before the schema, whose own walk is recursive.
 */
export function checkRulesValueLimits(value: unknown): LimitIssue | undefined {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  let count = 0;
  let selectors = 0;
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (++count > RULES_LIMITS.maxValues) {
      return { path: [], message: `too many values: a rules document holds at most ${RULES_LIMITS.maxValues}` };
    }
    if (typeof current === 'string') {
      if (current.length > RULES_LIMITS.maxStringLength) {
        return { path, message: `must be at most ${RULES_LIMITS.maxStringLength} characters (got ${current.length})` };
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    // Objects under groups[i].include / .exclude are selectors; counted here, before the (slower) schema walk.
    if (!Array.isArray(current) && path.length >= 3 && (path[2] === 'include' || path[2] === 'exclude')) {
      if (++selectors > RULES_LIMITS.maxSelectors) {
        return { path: path.slice(0, 3), message: `too many selectors: at most ${RULES_LIMITS.maxSelectors} in all` };
      }
    }
    if (path.length >= RULES_LIMITS.maxDepth) {
      return {
        path: path.slice(0, 12),
        message: `nested more than ${RULES_LIMITS.maxDepth} levels deep (path shortened; simplify the selectors)`,
      };
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i] as unknown, path: [...path, i] });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key.length > RULES_LIMITS.maxStringLength) {
        return { path, message: `a key is longer than ${RULES_LIMITS.maxStringLength} characters` };
      }
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * Checks `includeGroups` nesting on the raw value, before the schema: a chain or cycle through thousands of groups
 * is reported at once instead of after a full (slow) schema pass. Shorter cycles are left to the schema's own check,
 * which runs once every entry is valid.
 */
export function checkNestingLimits(value: unknown): LimitIssue | undefined {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { groups?: unknown }).groups)) {
    return undefined;
  }
  const entries: Array<{ group: string; includeGroups: string[] }> = [];
  for (const entry of (value as { groups: unknown[] }).groups) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { group, includeGroups } = entry as { group?: unknown; includeGroups?: unknown };
    if (typeof group !== 'string') continue;
    const refs = Array.isArray(includeGroups) ? includeGroups.filter((r): r is string => typeof r === 'string') : [];
    entries.push({ group, includeGroups: refs });
  }
  const chain = longestNestingChain(entries);
  if (chain.length <= MAX_NESTING_CHAIN) return undefined;
  const cycle = findNestingCycle(entries);
  if (cycle !== undefined) return { path: [], message: formatCycle(cycle), cycle };
  const index = entries.findIndex((entry) => entry.group === chain[0]);
  return {
    path: ['groups', index, 'includeGroups'],
    message: `includeGroups nests ${chain.length} levels deep, starting at '${chain[0]}' (at most ${MAX_NESTING_CHAIN})`,
  };
}
