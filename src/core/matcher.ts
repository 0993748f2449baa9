/**
 * Selector values: an exact string (case-sensitive) or a `/pattern/flags` regular expression. Parsed matchers
 * are plain JSON (not `RegExp` objects) so a parsed rules document can travel through workflow inputs and
 * snapshots; {@link compileMatcher} turns one into a predicate where it is evaluated.
 *
 * Regular expressions run on RE2 (the `re2js` port), never on the backtracking `RegExp` engine: a rules file is
 * input, and `/^(a+)+$/` against a 35-character title must not pin a worker's CPU. RE2 matches in time linear in
 * the input, at the price of refusing the few constructs that need backtracking (backreferences, lookaround).
 */
import { RE2JS } from 're2js';

/** A parsed selector value. */
export type Matcher = { kind: 'exact'; value: string } | { kind: 'regex'; source: string; flags: string };

/** Result of {@link parseMatcher}: the matcher, or a reason fit for an error message. */
export type MatcherParseResult = { ok: true; matcher: Matcher } | { ok: false; error: string };

/** Longest selector value accepted (exact text or a whole `/pattern/flags` literal), in UTF-16 code units. */
export const MAX_MATCHER_LENGTH = 1024;

const REGEX_LITERAL = /^\/(.+)\/([A-Za-z]*)$/s;

/** JavaScript flags that RE2 has an equivalent for; `u` and `d` change nothing for a yes/no match. */
const RE2_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0,
  d: 0,
};

/**
 * Parses a selector value. Any value that starts with `/` must be a complete `/pattern/flags` literal that
 * compiles: a half-written regex silently treated as an exact string would match nobody and empty the group.
 * The `g` and `y` flags are refused because they make `RegExp.test` stateful between users. A pattern must be
 * valid JavaScript syntax (what people write) and supported by the linear-time engine (backreferences and
 * lookaround are refused with a message saying so).
 */
export function parseMatcher(text: string): MatcherParseResult {
  if (text === '') return { ok: false, error: 'expected a non-empty string' };
  if (text.length > MAX_MATCHER_LENGTH) {
    return { ok: false, error: `must be at most ${MAX_MATCHER_LENGTH} characters (got ${text.length})` };
  }
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
    // Only a syntax check with JavaScript's own messages; never used to match.
    new RegExp(source, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^.*: /s, '') : String(err);
    return { ok: false, error: `invalid regular expression ${text}: ${reason}` };
  }
  const unsupported = [...flags].find((flag) => !Object.hasOwn(RE2_FLAGS, flag));
  if (unsupported !== undefined) {
    return { ok: false, error: `invalid regular expression ${text}: flag '${unsupported}' is not supported` };
  }
  const ambiguous = ambiguousEscape(source, flags);
  if (ambiguous !== undefined) {
    return {
      ok: false,
      error: `unsupported regular expression ${text}: ${ambiguous} means something else to the linear-time engine than to JavaScript; write it another way`,
    };
  }
  try {
    compileRe2(source, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    return {
      ok: false,
      error: `unsupported regular expression ${text}: ${reason} (patterns run on a linear-time engine without backreferences or lookaround)`,
    };
  }
  return { ok: true, matcher: { kind: 'regex', source, flags } };
}

// Escapes JavaScript (without the u flag) reads as a plain letter or a backreference, and RE2 as an anchor, a quote,
// a bell or a Unicode class: refused so that a pattern never silently changes meaning.
const AMBIGUOUS_ESCAPES = new Set(['A', 'z', 'Q', 'E', 'a', 'k']);

function ambiguousEscape(source: string, flags: string): string | undefined {
  for (let i = 0; i < source.length - 1; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1];
    if (AMBIGUOUS_ESCAPES.has(next) || ((next === 'p' || next === 'P') && !flags.includes('u'))) return `\\${next}`;
    i++; // skip the escaped character (so \\A is a backslash and an A)
  }
  return undefined;
}

function compileRe2(source: string, flags: string): RE2JS {
  let bits = 0;
  for (const flag of flags) bits |= RE2_FLAGS[flag] ?? 0;
  return RE2JS.compile(RE2JS.translateRegExp(source), bits);
}

/**
 * Builds a predicate for one matcher. Compile once per evaluation, not per user. Matching takes time linear in
 * the candidate's length whatever the pattern. `g` and `y` (refused by {@link parseMatcher}) are ignored here.
 *
 * @throws Error when a regex matcher was not produced by {@link parseMatcher} and does not compile.
 */
export function compileMatcher(matcher: Matcher): (candidate: string) => boolean {
  if (matcher.kind === 'exact') {
    const expected = matcher.value;
    return (candidate) => candidate === expected;
  }
  const regex = compileRe2(matcher.source, matcher.flags.replace(/[gy]/g, ''));
  return (candidate) => regex.test(candidate);
}

/** The matcher written back in rules-file syntax (for messages and plan descriptions). */
export function formatMatcher(matcher: Matcher): string {
  return matcher.kind === 'exact' ? matcher.value : `/${matcher.source}/${matcher.flags}`;
}
