/**
 * Selector values: an exact string (case-sensitive) or a `/pattern/flags` regular expression. Parsed matchers
 * are plain JSON (not `RegExp` objects) so a parsed rules document can travel through workflow inputs and
 * snapshots; {@link compileMatcher} turns one into a predicate where it is evaluated.
 */

/** A parsed selector value. */
export type Matcher = { kind: 'exact'; value: string } | { kind: 'regex'; source: string; flags: string };

/** Result of {@link parseMatcher}: the matcher, or a reason fit for an error message. */
export type MatcherParseResult = { ok: true; matcher: Matcher } | { ok: false; error: string };

const REGEX_LITERAL = /^\/(.+)\/([A-Za-z]*)$/s;

/**
 * Parses a selector value. Any value that starts with `/` must be a complete `/pattern/flags` literal that
 * compiles: a half-written regex silently treated as an exact string would match nobody and empty the group.
 * The `g` and `y` flags are refused because they make `RegExp.test` stateful between users.
 */
export function parseMatcher(text: string): MatcherParseResult {
  if (text === '') return { ok: false, error: 'expected a non-empty string' };
  if (!text.startsWith('/')) return { ok: true, matcher: { kind: 'exact', value: text } };
  const literal = REGEX_LITERAL.exec(text);
  if (literal === null) {
    return { ok: false, error: `'${text}' starts with / but is not a regular expression written /pattern/flags` };
  }
  const [, source, flags] = literal;
  const stateful = [...flags].find((flag) => flag === 'g' || flag === 'y');
  if (stateful !== undefined) {
    return { ok: false, error: `invalid regular expression ${text}: flag '${stateful}' is not allowed` };
  }
  try {
    new RegExp(source, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^.*: /s, '') : String(err);
    return { ok: false, error: `invalid regular expression ${text}: ${reason}` };
  }
  return { ok: true, matcher: { kind: 'regex', source, flags } };
}

/** Builds a predicate for one matcher. Compile once per evaluation, not per user. */
export function compileMatcher(matcher: Matcher): (candidate: string) => boolean {
  if (matcher.kind === 'exact') {
    const expected = matcher.value;
    return (candidate) => candidate === expected;
  }
  const regex = new RegExp(matcher.source, matcher.flags.replace(/[gy]/g, ''));
  return (candidate) => regex.test(candidate);
}

/** The matcher written back in rules-file syntax (for messages and plan descriptions). */
export function formatMatcher(matcher: Matcher): string {
  return matcher.kind === 'exact' ? matcher.value : `/${matcher.source}/${matcher.flags}`;
}
