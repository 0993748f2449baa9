/**
 * Embedded audit sink: an append-only JSONL file, one canonical-JSON entry per line.
 *
 * Appends from any number of processes are serialised by a lock directory next to the file (proper-lockfile), and
 * within a process by a group commit (appends that queue behind one in progress are written together). Each batch is
 * written with one `write` and made durable with one `fsync` before `append` resolves.
 */
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { canonicalJson } from '../core/canonical-json';
import { sealBatch } from './chain';
import type { AuditEntry, AuditEvent } from './entry';
import { AuditCorruptionError } from './errors';
import { validateAuditEvents } from './event-schema';
import { GroupCommit } from './group-commit';
import { readCompleteLines } from './jsonl-lines';
import { scanTail, type TailState } from './jsonl-tail';
import { isAtOrAfter, parseSince } from './since';
import type { AppendResult, AuditSink, ReadOptions } from './sink';
import { syncDirectory } from '../store/atomic-file';

/** Default location of the embedded audit log (relative to the working directory). */
export const DEFAULT_AUDIT_FILE = './.gcsync/audit.jsonl';

/** How long and how often to retry for the cross-process lock. */
export interface LockRetryOptions {
  /** Attempts after the first. Default 120. */
  retries?: number;
  /** First wait in ms. Default 5. */
  minTimeout?: number;
  /** Longest wait in ms (waits grow ×1.3 with jitter). Default 250, so the default gives up after ~25 s. */
  maxTimeout?: number;
}

/** Options for {@link JsonlAuditSink}. */
export interface JsonlAuditSinkOptions {
  /** The log file; it and its parent folders are created on first append. */
  path: string;
  /**
   * A lock whose holder has not refreshed it for this long (ms) is considered abandoned (holder crashed) and taken
   * over. Default 10 000.
   */
  staleMs?: number;
  /** Lock acquisition retry policy. */
  lockRetries?: LockRetryOptions;
  /** Receives operational warnings (torn line removed). Default: `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/**
 * Append-only JSONL audit sink.
 *
 * **Torn last line.** A crash in the middle of a write can leave the file ending in a partial line (no trailing
 * newline). Such bytes were never acknowledged: `append` resolves only after the whole batch is written and fsynced.
 * Readers therefore ignore an unterminated last line, and the next `append`, under the lock, truncates the file back
 * to the last newline (reporting it through `onWarning`) before writing. Complete lines of a batch that partly
 * landed are kept, and the retried batch skips them by id, so nothing is lost or duplicated.
 *
 * **Index.** The writer keeps the chain head and the set of stored ids in memory and, on each append, reads only the
 * bytes other processes added since its previous append. The first append of a process scans the whole file; the
 * ids cost memory proportional to the log (use PostgreSQL for large deployments).
 *
 * **Lock.** proper-lockfile's lock is a directory (`<file>.lock`) refreshed every `staleMs / 2`. If the holder
 * stalls longer than `staleMs` another process may take over; the stalled append then fails with an error instead
 * of resolving, and its retry is de-duplicated by id.
 */
export class JsonlAuditSink implements AuditSink {
  readonly path: string;
  private readonly lockPath: string;
  private readonly staleMs: number;
  private readonly retries: Required<LockRetryOptions>;
  private readonly warn: (message: string) => void;
  private tail: TailState | undefined;
  private readonly commits = new GroupCommit((events) => this.appendLocked(events));
  private closed = false;

  constructor(options: JsonlAuditSinkOptions) {
    this.path = resolve(options.path);
    this.lockPath = `${this.path}.lock`;
    this.staleMs = options.staleMs ?? 10_000;
    this.retries = { retries: 120, minTimeout: 5, maxTimeout: 250, ...options.lockRetries };
    this.warn = options.onWarning ?? ((message) => process.emitWarning(message, 'GcsyncAuditWarning'));
  }

  /** See {@link AuditSink.append}. */
  async append(events: AuditEvent[]): Promise<AppendResult> {
    this.assertOpen();
    const valid = validateAuditEvents(events);
    if (valid.length === 0) return { appended: 0, skipped: 0 };
    return this.commits.submit(valid);
  }

  /** See {@link AuditSink.read}. Reads complete lines only, without taking the lock. */
  async *read(opts: ReadOptions = {}): AsyncGenerator<AuditEntry> {
    this.assertOpen();
    const since = parseSince(opts.since);
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      for await (const line of readCompleteLines(fh, 0, size)) {
        if (line.text.trim() === '') continue;
        const entry = parseEntry(line.text, line.lineNo);
        if (isAtOrAfter(entry.at, since)) yield entry;
      }
    } finally {
      await fh.close();
    }
  }

  /** Waits for in-flight appends; later calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    await this.commits.drained();
    this.tail = undefined;
  }

  /** Appends one batch under the cross-process lock; returns the ids it stored. */
  private async appendLocked(events: AuditEvent[]): Promise<ReadonlySet<string>> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    let compromised: Error | undefined;
    const release = await lock(this.path, {
      realpath: false,
      lockfilePath: this.lockPath,
      stale: this.staleMs,
      retries: { ...this.retries, factor: 1.3, randomize: true },
      onCompromised: (err) => {
        compromised = err;
      },
    });
    const assertStillLocked = (): void => {
      if (compromised) throw new Error(`audit lock ${this.lockPath} was lost mid-append: ${compromised.message}`);
    };
    try {
      const existed = await exists(this.path);
      const fh = await open(this.path, 'a+');
      try {
        const file = await fh.stat();
        // Take the state out first: if anything below fails, the next append rescans rather than trusting it.
        const previous = this.tail;
        this.tail = undefined;
        const tail = await scanTail(fh, file, previous);
        const torn = file.size - tail.validEnd;
        if (torn > 0) {
          assertStillLocked();
          await fh.truncate(tail.validEnd);
          this.warn(`audit file ${this.path}: removed a torn last line (${torn} bytes never acknowledged)`);
        }
        const batch = sealBatch(events, tail.head, (id) => tail.ids.has(id));
        let written = 0;
        if (batch.entries.length > 0) {
          const bytes = Buffer.from(batch.entries.map((entry) => `${canonicalJson(entry)}\n`).join(''), 'utf8');
          assertStillLocked();
          await writeAll(fh, bytes);
          written = bytes.length;
        }
        if (written > 0 || torn > 0) await fh.sync();
        if (!existed) await syncDirectory(dir);
        assertStillLocked();
        for (const entry of batch.entries) tail.ids.add(entry.id);
        tail.validEnd += written;
        tail.lines += batch.entries.length;
        tail.head = batch.head;
        this.tail = tail;
        return new Set(batch.entries.map((entry) => entry.id));
      } finally {
        await fh.close();
      }
    } finally {
      // Releasing a compromised lock fails; the append has already thrown in that case.
      await release().catch(() => undefined);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('audit sink is closed');
  }
}

function parseEntry(text: string, lineNo: number): AuditEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuditCorruptionError(`audit file line ${lineNo} is not valid JSON`, { line: lineNo });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuditCorruptionError(`audit file line ${lineNo} is not an audit entry`, { line: lineNo });
  }
  return value as AuditEntry;
}

async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    // Position null: O_APPEND writes at the end of the file.
    const { bytesWritten } = await fh.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
