/**
 * Resolving the `group` values written in the rules (an id or an exact name) against the groups Genesys
 * returned. Pure, so the decision is testable and the activity that lists groups stays a thin I/O wrapper.
 */

/** A Genesys group as listed by GET /api/v2/groups (only the fields resolution needs). */
export interface GenesysGroupRef {
  id: string;
  name: string;
}

/** A rules `group` value resolved to a real group. */
export interface ResolvedGroupRef {
  /** The value as written in the rules. */
  key: string;
  groupId: string;
  groupName: string;
}

/** Outcome of {@link resolveGroupRefs}. `errors` are complete sentences; the run must not proceed if any. */
export interface GroupRefResolution {
  resolved: ResolvedGroupRef[];
  errors: string[];
}

/**
 * Resolves each key: an exact id match wins, otherwise an exact (case-sensitive) name match. Reported as
 * errors: keys matching nothing, names shared by several groups (the rules must use the id then), and two
 * keys resolving to the same group (e.g. one by id, one by name), which would fight over its membership.
 */
export function resolveGroupRefs(keys: readonly string[], groups: readonly GenesysGroupRef[]): GroupRefResolution {
  const byId = new Map(groups.map((group) => [group.id, group]));
  const byName = new Map<string, GenesysGroupRef[]>();
  for (const group of groups) {
    const same = byName.get(group.name) ?? [];
    if (!same.some((other) => other.id === group.id)) same.push(group);
    byName.set(group.name, same);
  }

  const resolved: ResolvedGroupRef[] = [];
  const errors: string[] = [];
  const keyForId = new Map<string, string>();
  for (const key of keys) {
    let match = byId.get(key);
    if (match === undefined) {
      const named = byName.get(key) ?? [];
      if (named.length > 1) {
        const ids = named.map((group) => group.id).sort();
        errors.push(`group name '${key}' matches ${named.length} groups (${ids.join(', ')}); use the group id`);
        continue;
      }
      match = named[0];
    }
    if (match === undefined) {
      errors.push(`group '${key}' not found (no group has this id or exact name)`);
      continue;
    }
    const earlier = keyForId.get(match.id);
    if (earlier !== undefined) {
      errors.push(`'${earlier}' and '${key}' both resolve to group ${match.id} ('${match.name}'); list it once`);
      continue;
    }
    keyForId.set(match.id, key);
    resolved.push({ key, groupId: match.id, groupName: match.name });
  }
  return { resolved, errors };
}
