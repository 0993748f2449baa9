/**
 * Loading a rules file from disk, at the edge (CLI commands, the `prepareRun` activity): `src/core` stays free of
 * I/O, and this file only reads; parsing and validation are the pure `src/core/rules-parse.ts` and
 * `src/core/rules-validate.ts`.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { RULES_LIMITS } from '../core/rules-limits';
import { parseRules } from '../core/rules-parse';
import type { RulesDocument } from '../core/rules-schema';
import { RulesValidationError } from '../core/rules-validate';

/** Why {@link readRulesText} refused a file; `reason` is ready for a message. */
export class RulesFileReadError extends Error {
  override readonly name = 'RulesFileReadError';
  constructor(
    /** `missing`, `unreadable` (permissions, I/O), `not-regular` (device, FIFO, folder…), `too-large`, `not-utf8`. */
    readonly kind: 'missing' | 'unreadable' | 'not-regular' | 'too-large' | 'not-utf8',
    readonly reason: string,
  ) {
    super(reason);
  }
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (fstat then refuses it).
// O_NOFOLLOW: callers pass resolved paths; a link swapped in afterwards is refused rather than followed.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads a rules file as UTF-8 text, safely: regular files only (no devices such as `/dev/zero`, FIFOs or
 * folders), at most {@link RULES_LIMITS}.maxBytes, checked on the open descriptor and again while reading (files
 * under `/proc` report size 0), so nothing larger is ever held in memory.
 *
 * @throws RulesFileReadError saying why.
 */
export function readRulesText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RulesFileReadError('missing', 'file not found');
    if (code === 'ELOOP') throw new RulesFileReadError('not-regular', 'is a symbolic link');
    throw new RulesFileReadError('unreadable', `cannot be opened (${code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new RulesFileReadError('not-regular', 'not a regular file');
    const max = RULES_LIMITS.maxBytes;
    const tooLarge = () => new RulesFileReadError('too-large', `larger than ${max} bytes (512 KiB)`);
    if (stat.size > max) throw tooLarge();
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (err) {
        throw new RulesFileReadError(
          'unreadable',
          `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      if (read === 0) break;
      length += read;
      if (length > max) throw tooLarge();
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw new RulesFileReadError('not-utf8', 'not UTF-8 text');
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a rules file (YAML or JSON). Errors name the file by the path as given, which is how
 * the operator typed it (`rules.yaml: groups[1].mode: expected one of: exact, additive, managed`). For the
 * operator's own files (CLI, `GCSYNC_RULES_FILE`): reasons are specific. Paths from requests go through
 * activities/rules-source.ts, which confines them first.
 *
 * @throws RulesValidationError when the file cannot be read or is invalid.
 */
export function loadRulesFile(path: string): RulesDocument {
  let text: string;
  try {
    text = readRulesText(resolveLinks(path));
  } catch (err) {
    const reason = err instanceof RulesFileReadError ? err.reason : (err as Error).message;
    throw new RulesValidationError(path, [{ code: 'io', path: '', message: `cannot read the rules file: ${reason}` }]);
  }
  return parseRules(text, path);
}

/** The path with every symbolic link resolved (ConfigMap mounts are links), as {@link readRulesText} wants it. */
function resolveLinks(path: string): string {
  try {
    return realpathSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RulesFileReadError('missing', 'file not found');
    throw new RulesFileReadError('unreadable', `cannot be resolved (${code ?? 'error'})`);
  }
}
