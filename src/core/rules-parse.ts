/** Parsing rules text (YAML, or JSON, which is YAML too) into a validated {@link RulesDocument}. */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { RulesDocument } from './rules-schema';
import { RulesValidationError, validateRulesValue, withoutRawPath, type RulesIssue } from './rules-validate';

/**
 * Parses and validates rules text. Syntax errors (including duplicate keys, which plain JSON would silently
 * accept) and schema errors are all collected and thrown together.
 *
 * @param sourceName how errors name the source, usually the file name (`rules.yaml`).
 * @throws RulesValidationError listing every problem, each as `source: path: reason`.
 */
export function parseRules(text: string, sourceName: string): RulesDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new RulesValidationError(
      sourceName,
      document.errors.map((error) => {
        const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
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
    throw new RulesValidationError(sourceName, [{ code: 'syntax', path: '', message: (err as Error).message }]);
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
