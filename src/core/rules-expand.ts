/** Which optional user attributes the snapshot must request for a given rules document. */
import type { RulesDocument, Selector } from './rules-schema';

/** `expand` values of GET /api/v2/users that rules can depend on. */
export type UserExpand = 'authorization' | 'skills' | 'locations';

const EXPAND_FOR: Partial<Record<Selector['kind'], UserExpand>> = {
  role: 'authorization',
  skill: 'skills',
  location: 'locations',
};

/**
 * The `expand` values the user snapshot must request so every selector in `doc` sees real data (sorted,
 * unique). Without them Genesys omits the attribute and the user would silently match nothing.
 */
export function rulesNeedExpand(doc: Pick<RulesDocument, 'groups'>): UserExpand[] {
  const needed = new Set<UserExpand>();
  const visit = (selector: Selector): void => {
    switch (selector.kind) {
      case 'any':
      case 'all':
        selector.of.forEach(visit);
        return;
      case 'not':
        visit(selector.of);
        return;
      default: {
        const expand = EXPAND_FOR[selector.kind];
        if (expand !== undefined) needed.add(expand);
      }
    }
  };
  for (const rule of doc.groups) {
    if (rule.include !== undefined) visit(rule.include);
    if (rule.exclude !== undefined) visit(rule.exclude);
  }
  return [...needed].sort();
}
