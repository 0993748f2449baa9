/**
 * Where a run's rules come from: inline in the input, a `blob:` key, or a file named by `rulesRef` (or the
 * worker's `GCSYNC_RULES_FILE`). A `rulesRef` can come from an HTTP request or a schedule, so file access is
 * confined (see docs/security.md):
 *
 * - Only regular `*.yaml`, `*.yml` or `*.json` files of at most 512 KiB are read; nothing under `/proc`, `/sys`
 *   or `/dev`; FIFOs and devices are refused without blocking.
 * - With `GCSYNC_RULES_DIR` (recommended), relative paths resolve inside that folder, and the file's real path
 *   (every symbolic link resolved) must lie inside the folder's real path.
 * - Without it, a `rulesRef` path must be absolute (the operator's tools, e.g. `gcsync schedule`, send absolute
 *   paths; the HTTP service refuses request paths unless it has a rules folder itself). The worker's own
 *   `GCSYNC_RULES_FILE` may be relative to its working folder.
 * - Messages never tell whether a file outside the allowed places exists: every such failure reads the same.
 *
 * Every problem is a {@link RulesValidationError} (the run ends as invalid rules; nothing is retried).
 */
import { realpathSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { readRulesText, RulesFileReadError } from '../src/config/rules-file';
import { parseRules } from '../src/core/rules-parse';
import type { RulesDocument } from '../src/core/rules-schema';
import { parseRulesValue, RulesValidationError } from '../src/core/rules-validate';
import { parseRef } from '../src/store/blob-key';
import { BlobNotFoundError } from '../src/store/errors';
import type { ReconcileInput } from '../workflows/messages';
import type { ActivityDeps } from './deps';

/** File name endings a rules file may have. */
export const RULES_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** Pseudo file systems whose "files" are process state or devices, never rules. */
const SYSTEM_PREFIXES = ['/proc', '/sys', '/dev'];

/** What {@link loadRules} needs from the worker. */
export type RulesSourceDeps = Pick<ActivityDeps, 'blobs' | 'rulesDir'>;

/**
 * Loads and validates the rules of a run.
 *
 * @param env where `GCSYNC_RULES_FILE` (the rules used when the input names none) is read from.
 * @throws RulesValidationError for any problem with the rules or their location (non-retryable by nature);
 *   other errors (a blob store that is down) are transient and propagate.
 */
export async function loadRules(
  input: ReconcileInput,
  deps: RulesSourceDeps,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RulesDocument> {
  if (input.rules !== undefined) {
    return typeof input.rules === 'string'
      ? parseRules(input.rules, 'inline rules')
      : parseRulesValue(input.rules, 'inline rules');
  }
  const ref = input.rulesRef ?? env.GCSYNC_RULES_FILE;
  if (!ref) {
    throw refError('no rules given: pass rules, rulesRef, or set GCSYNC_RULES_FILE on the worker', 'rules');
  }
  if (ref.startsWith('blob:')) return loadBlobRules(ref, deps);
  const label = ref.length > 200 ? `${ref.slice(0, 200)}…` : ref;
  // The worker's own GCSYNC_RULES_FILE is the operator's choice: a relative one resolves against the working folder.
  const fromOperator = input.rulesRef === undefined;
  const path = resolveRulesPath(fromOperator && !deps.rulesDir ? resolve(ref) : ref, label, deps.rulesDir);
  let text: string;
  try {
    text = readRulesText(path);
  } catch (err) {
    if (!(err instanceof RulesFileReadError)) throw err;
    // Inside a configured folder the reason helps the operator and reveals nothing about the rest of the disk.
    throw deps.rulesDir ? refError(`${label}: ${err.reason}`) : unavailable(label, deps.rulesDir);
  }
  return parseRules(text, label);
}

/**
 * The real path of a file `rulesRef` may name, or a {@link RulesValidationError}. Lexical checks (extension,
 * folder) come first, so a refused path is never looked up on disk.
 */
export function resolveRulesPath(ref: string, label: string, rulesDir: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(ref)) throw refError(`${JSON.stringify(label)}: must not contain control characters`);
  if (rulesDir) {
    const folder = resolve(rulesDir);
    const path = isAbsolute(ref) ? resolve(ref) : resolve(folder, ref);
    if (!isInside(folder, path)) throw refError(`${label} is outside the rules folder GCSYNC_RULES_DIR`);
    checkExtension(label, path);
    let realFolder: string;
    let realPath: string;
    try {
      realFolder = realpathSync(folder);
      realPath = realpathSync(path);
    } catch {
      throw unavailable(label, rulesDir);
    }
    // Same message as a missing file: a link inside the folder must not reveal what exists outside it.
    if (!isInside(realFolder, realPath)) throw unavailable(label, rulesDir);
    checkExtension(label, realPath);
    return realPath;
  }
  if (!isAbsolute(ref)) {
    throw refError(
      `${label} is a relative path: without a rules folder (GCSYNC_RULES_DIR) rulesRef must be an absolute path`,
    );
  }
  const path = resolve(ref);
  checkExtension(label, path);
  if (isSystemPath(path)) throw unavailable(label, rulesDir);
  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch {
    throw unavailable(label, rulesDir);
  }
  if (isSystemPath(realPath) || !hasRulesExtension(realPath)) throw unavailable(label, rulesDir);
  return realPath;
}

async function loadBlobRules(ref: string, deps: RulesSourceDeps): Promise<RulesDocument> {
  const key = ref.slice('blob:'.length);
  try {
    parseRef(key);
  } catch (err) {
    throw refError(`${(err as Error).message.slice(0, 300)}`);
  }
  let value: unknown;
  try {
    value = await deps.blobs.get<unknown>(key);
  } catch (err) {
    if (err instanceof BlobNotFoundError) throw refError(`no rules are stored under ${ref}`);
    throw err;
  }
  return parseRulesValue(value, ref);
}

function isInside(folder: string, path: string): boolean {
  const within = relative(folder, path);
  return within !== '' && within !== '..' && !within.startsWith(`..${sep}`) && !isAbsolute(within);
}

function isSystemPath(path: string): boolean {
  return SYSTEM_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function hasRulesExtension(path: string): boolean {
  return (RULES_FILE_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

function checkExtension(label: string, path: string): void {
  if (!hasRulesExtension(path)) {
    throw refError(`${label}: a rules file must be named *.yaml, *.yml or *.json`);
  }
}

function unavailable(label: string, rulesDir: string | undefined): RulesValidationError {
  return refError(
    rulesDir
      ? `${label}: no readable rules file there inside the rules folder GCSYNC_RULES_DIR`
      : `${label}: no readable rules file there (missing, unreadable, or not a regular file)`,
  );
}

function refError(message: string, path = 'rulesRef'): RulesValidationError {
  return new RulesValidationError('input', [{ code: 'io', path, message }]);
}
