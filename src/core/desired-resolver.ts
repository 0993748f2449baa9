/**
 * Desired membership of every group entry, computed one group at a time so a caller can yield between groups (a
 * 200,000-user, 2,000-group plan is too much work for one uninterrupted slice of the event loop), and fast at that
 * size: a selector on an exact attribute value (`department: Support`, `skill: French`) is answered from an index
 * of the users by that attribute instead of a scan of every user. The index only narrows the candidates; each
 * candidate is still tested with the compiled selector, so the result is exactly {@link resolveDesired}'s.
 */
import type { DirectoryUser } from './directory-user';
import { compileSelector } from './evaluate';
import { NestingGraph } from './nesting-graph';
import type { GroupRule, RulesDocument, Selector } from './rules-schema';

type IndexedKind = 'role' | 'division' | 'department' | 'title' | 'location' | 'skill' | 'manager' | 'userId';

/** The attribute values a user can be found under, per selector kind (names and ids where both match). */
function valuesOf(kind: IndexedKind, user: DirectoryUser): Array<string | undefined> {
  switch (kind) {
    case 'role':
      return user.roles.flatMap((r) => [r.name, r.id]);
    case 'division':
      return [user.divisionName, user.divisionId];
    case 'department':
      return [user.department];
    case 'title':
      return [user.title];
    case 'location':
      return user.locations.flatMap((l) => [l.name, l.id]);
    case 'skill':
      return user.skills.flatMap((s) => [s.name, s.id]);
    case 'manager':
      return [user.managerId];
    case 'userId':
      return [user.id];
  }
}

/** Resolves desired members group by group, in an order where every group comes after the groups it includes. */
export class DesiredResolver {
  private readonly graph: NestingGraph;
  private readonly rules = new Map<string, GroupRule>();
  private readonly active: DirectoryUser[];
  private readonly byId: Map<string, DirectoryUser>;
  private readonly indexes = new Map<IndexedKind, Map<string, DirectoryUser[]>>();
  private readonly resolved = new Map<string, string[]>();

  /** @throws NestingError for unknown `includeGroups` names or a cycle (before anything is evaluated). */
  constructor(doc: Pick<RulesDocument, 'groups'>, users: readonly DirectoryUser[]) {
    this.graph = NestingGraph.fromRules(doc);
    for (const rule of doc.groups) if (!this.rules.has(rule.group)) this.rules.set(rule.group, rule);
    this.active = users.filter((user) => user.state === 'active');
    this.byId = new Map(this.active.map((user) => [user.id, user]));
  }

  /** Group keys in evaluation order (each after the groups it includes). */
  order(): string[] {
    return this.graph.topologicalOrder();
  }

  /** Resolves one group; every group it includes must have been resolved already (see {@link order}). */
  resolve(group: string): string[] {
    const rule = this.rules.get(group)!;
    const ids = new Set<string>();
    if (rule.include !== undefined) {
      const include = compileSelector(rule.include);
      for (const user of this.candidates(rule.include) ?? this.active) if (include(user)) ids.add(user.id);
    }
    for (const child of this.graph.includes(group)) for (const id of this.resolved.get(child)!) ids.add(id);
    if (rule.exclude !== undefined) {
      const exclude = compileSelector(rule.exclude);
      for (const id of ids) if (exclude(this.byId.get(id)!)) ids.delete(id);
    }
    const sorted = [...ids].sort();
    this.resolved.set(group, sorted);
    return sorted;
  }

  /** Every group resolved, keyed as written, in file order (what `resolveDesired` returns). */
  resolveAll(): Map<string, string[]> {
    for (const group of this.order()) this.resolve(group);
    return new Map(this.graph.groups.map((group) => [group, this.resolved.get(group)!]));
  }

  /**
   * Users that can possibly match `selector`, or `undefined` when it cannot be narrowed (a regex, a `not`, ...):
   * then every active user is a candidate.
   */
  private candidates(selector: Selector): readonly DirectoryUser[] | undefined {
    switch (selector.kind) {
      case 'any': {
        const parts = selector.of.map((part) => this.candidates(part));
        if (parts.some((part) => part === undefined)) return undefined;
        const seen = new Set<DirectoryUser>();
        for (const part of parts) for (const user of part!) seen.add(user);
        return [...seen];
      }
      case 'all': {
        let best: readonly DirectoryUser[] | undefined;
        for (const part of selector.of) {
          const narrowed = this.candidates(part);
          if (narrowed !== undefined && (best === undefined || narrowed.length < best.length)) best = narrowed;
        }
        return best;
      }
      case 'not':
        return undefined;
      default:
        if (selector.match.kind !== 'exact') return undefined;
        return this.index(selector.kind).get(selector.match.value) ?? [];
    }
  }

  private index(kind: IndexedKind): Map<string, DirectoryUser[]> {
    let index = this.indexes.get(kind);
    if (index === undefined) {
      index = new Map();
      for (const user of this.active) {
        for (const value of new Set(valuesOf(kind, user))) {
          if (value === undefined || value === '') continue;
          const list = index.get(value);
          if (list === undefined) index.set(value, [user]);
          else list.push(user);
        }
      }
      this.indexes.set(kind, index);
    }
    return index;
  }
}
