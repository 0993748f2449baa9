import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadRulesFile } from '../../config/rules-file';

/** A rules file checked locally before any run is started. */
export interface CheckedRules {
  /** Absolute path, for schedules whose worker reads the file (`rulesRef`). */
  path: string;
  /** The file's text, sent inline as the run's `rules` (the worker parses it with the same code). */
  text: string;
}

/**
 * Validates a rules file here, so a mistake is reported with the file and field path at once instead of as a failed
 * run, and returns its text. The text rather than the parsed document travels to the worker: it is exactly what the
 * operator reviewed, and the worker's own parse reports line numbers if it ever disagrees.
 *
 * @throws RulesValidationError naming the file and each bad field.
 */
export function checkRulesFile(file: string): CheckedRules {
  loadRulesFile(file);
  return { path: resolve(file), text: readFileSync(file, 'utf8') };
}
