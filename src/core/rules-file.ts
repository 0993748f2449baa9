/**
 * Loading a rules file from disk. The only file in src/core that does I/O; everything needed inside
 * workflows (parsing, validation) lives in rules-parse.ts and rules-validate.ts and is re-exported here.
 */
import { readFileSync } from 'node:fs';
import { parseRules } from './rules-parse';
import type { RulesDocument } from './rules-schema';
import { RulesValidationError } from './rules-validate';

export { parseRules } from './rules-parse';
export { parseRulesValue, RulesValidationError, type RulesIssue } from './rules-validate';

/**
 * Reads and parses a rules file (YAML or JSON). Errors name the file by the path as given, which is how
 * the operator typed it (`rules.yaml: groups[1].mode: expected one of: exact, additive, managed`).
 *
 * @throws RulesValidationError when the file cannot be read or is invalid.
 */
export function loadRulesFile(path: string): RulesDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new RulesValidationError(path, [{ code: 'io', path: '', message: `cannot read the rules file: ${reason}` }]);
  }
  return parseRules(text, path);
}
