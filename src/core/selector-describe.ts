/** Selectors written back as short human text, for membership reasons (`department = Support`). */
import { formatMatcher } from './matcher';
import type { Selector } from './rules-schema';

/** Longest description kept whole; a huge `any` of ids would otherwise flood a plan line. */
export const MAX_DESCRIPTION_LENGTH = 120;

/**
 * One line describing `selector`: `department = Support` for an exact value, `title ~ /contractor/i` for a regex,
 * `skill = Java (proficiency >= 3)`, `(a or b)`, `(a and b)`, `not a`. The outermost parentheses are left out, and
 * text longer than {@link MAX_DESCRIPTION_LENGTH} is cut with `…`.
 */
export function describeSelector(selector: Selector): string {
  const text = describe(selector, false);
  return text.length > MAX_DESCRIPTION_LENGTH ? `${text.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : text;
}

function describe(selector: Selector, nested: boolean): string {
  switch (selector.kind) {
    case 'any':
    case 'all': {
      if (selector.of.length === 1) return describe(selector.of[0], nested);
      const text = selector.of.map((part) => describe(part, true)).join(selector.kind === 'any' ? ' or ' : ' and ');
      return nested ? `(${text})` : text;
    }
    case 'not':
      return `not ${describe(selector.of, true)}`;
    case 'skill': {
      const base = attribute(selector.kind, selector.match);
      return selector.minProficiency === undefined ? base : `${base} (proficiency >= ${selector.minProficiency})`;
    }
    default:
      return attribute(selector.kind, selector.match);
  }
}

function attribute(kind: string, match: Parameters<typeof formatMatcher>[0]): string {
  return `${kind} ${match.kind === 'exact' ? '=' : '~'} ${formatMatcher(match)}`;
}
