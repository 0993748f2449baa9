/** Parsing rules text (YAML, or JSON, which is YAML too) into a validated {@link RulesDocument}. */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { JSON_FAST_PATH_MIN_LENGTH, parseJsonStrictly } from './json-fast-path';
import { checkRulesValueLimits, RULES_LIMITS, type LimitIssue } from './rules-limits';
import type { RulesDocument } from './rules-schema';
import {
  formatPath,
  RulesValidationError,
  validateRulesValue,
  withoutRawPath,
  type RulesIssue,
} from './rules-validate';

/**
 * Parses and validates rules text. Syntax errors (including duplicate keys, which plain JSON would silently
 * accept) and schema errors are all collected and thrown together.
 *
 * @param sourceName how errors name the source, usually the file name (`rules.yaml`).
 * @throws RulesValidationError listing every problem, each as `source: path: reason`.
 */
export function parseRules(text: string, sourceName: string): RulesDocument {
  // Bytes, not characters: the limit is what a file may weigh. Checked before the YAML parser sees anything.
  if (text.length > RULES_LIMITS.maxBytes || utf8Length(text) > RULES_LIMITS.maxBytes) {
    throw new RulesValidationError(sourceName, [
      { code: 'limit', path: '', message: `the rules are larger than ${RULES_LIMITS.maxBytes} bytes (512 KiB)` },
    ]);
  }
  const json = parseJsonStrictly(text);
  // A JSON document over a limit (say, nested 5,000 deep) is refused before the recursive YAML parser sees it.
  if (json !== undefined && 'value' in json) {
    const limit = checkRulesValueLimits(json.value);
    if (limit !== undefined) throw new RulesValidationError(sourceName, [limitIssue(limit)]);
  }
  if (text.length >= JSON_FAST_PATH_MIN_LENGTH) {
    if (json !== undefined && 'duplicate' in json) {
      const { key, line } = json.duplicate;
      const message = `line ${line}: Map keys must be unique (duplicate key ${JSON.stringify(key.slice(0, 100))})`;
      throw new RulesValidationError(sourceName, [{ code: 'syntax', path: '', message, line }]);
    }
    if (json !== undefined) {
      const result = validateRulesValue(json.value);
      if (result.ok) return result.doc;
      throw new RulesValidationError(sourceName, result.issues.map(withoutRawPath));
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new RulesValidationError(
      sourceName,
      document.errors.map((error) => {
        const raw = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        // The YAML composer recurses per nesting level and reports running out of stack as an error here.
        const reason = /call stack/i.test(raw) ? `nested too deeply (at most ${RULES_LIMITS.maxDepth} levels)` : raw;
        const position = error.linePos?.[0];
        return position === undefined
          ? { code: 'syntax', path: '', message: reason }
          : {
              code: 'syntax',
              path: '',
              message: `line ${position.line}, column ${position.col}: ${reason}`,
              line: position.line,
            };
      }),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const raw = (err as Error).message;
    const message = /call stack/i.test(raw) ? `nested too deeply (at most ${RULES_LIMITS.maxDepth} levels)` : raw;
    throw new RulesValidationError(sourceName, [{ code: 'syntax', path: '', message }]);
  }
  const result = validateRulesValue(value);
  if (result.ok) return result.doc;
  const issues: RulesIssue[] = result.issues.map((pathed) => {
    const issue = withoutRawPath(pathed);
    const line = lineOf(document, lineCounter, pathed.rawPath);
    return line === undefined ? issue : { ...issue, line };
  });
  throw new RulesValidationError(sourceName, inDocumentOrder(issues));
}

// Schema checks report fields in schema order and cross-entry checks last; people fix files top to bottom.
// The sort is stable, so issues on the same line keep the schema's order.
function inDocumentOrder(issues: RulesIssue[]): RulesIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

// The line of the deepest node on `path` that exists (a missing key is reported on its parent's line, a
// whole-document problem on the line where the document's content starts).
function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const node: unknown = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  const root = document.contents;
  return isNode(root) && root.range ? lineCounter.linePos(root.range[0]).line : undefined;
}

function utf8Length(text: string): number {
  return text.length * 3 <= RULES_LIMITS.maxBytes ? text.length : new TextEncoder().encode(text).length;
}

function limitIssue(limit: LimitIssue): RulesIssue {
  return { code: 'limit', path: formatPath(limit.path), message: limit.message };
}
