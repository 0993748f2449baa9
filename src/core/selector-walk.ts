/** Visiting every attribute selector of a rule, with a readable path to it (for messages). */
import { formatMatcher } from './matcher';
import type { GroupRule, Selector } from './rules-schema';

/** An attribute selector (not `any`, `all` or `not`). */
export type AttributeSelector = Exclude<Selector, { kind: 'any' | 'all' | 'not' }>;

/** One attribute selector of a rule and where it sits. */
export interface SelectorSite {
  selector: AttributeSelector;
  /** Path inside the rule entry, e.g. `include.any[1].not.role` (lists under `include` read as `any`). */
  path: string;
  /** Whether it sits under `exclude`. */
  inExclude: boolean;
  /** Whether an odd number of `not` wrap it. */
  negated: boolean;
}

/** Every attribute selector in a rule's `include` and `exclude`, depth first, in file order. */
export function attributeSelectors(rule: Pick<GroupRule, 'include' | 'exclude'>): SelectorSite[] {
  const sites: SelectorSite[] = [];
  const walk = (selector: Selector, path: string, inExclude: boolean, negated: boolean): void => {
    switch (selector.kind) {
      case 'any':
      case 'all':
        selector.of.forEach((part, i) => walk(part, `${path}.${selector.kind}[${i}]`, inExclude, negated));
        return;
      case 'not':
        walk(selector.of, `${path}.not`, inExclude, !negated);
        return;
      default:
        sites.push({ selector, path: `${path}.${selector.kind}`, inExclude, negated });
    }
  };
  if (rule.include !== undefined) walk(rule.include, 'include', false, false);
  if (rule.exclude !== undefined) walk(rule.exclude, 'exclude', true, false);
  return sites;
}

/** The selector as written in the rules file, e.g. `role: /^Admin/i` or `skill: Billing (min 3)`. */
export function describeSelector(selector: AttributeSelector): string {
  const text = `${selector.kind}: ${formatMatcher(selector.match)}`;
  return selector.kind === 'skill' && selector.minProficiency !== undefined
    ? `${text} (minProficiency ${selector.minProficiency})`
    : text;
}
