/** Streaming export of the audit log for auditors (`gcsync audit export`). */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { canonicalJson } from '../core/canonical-json';
import { csvHeader, csvRow } from './csv';
import type { AuditSink } from './sink';

/** Options for {@link exportAudit}. */
export interface ExportOptions {
  /** Only entries whose `at` is at or after this ISO-8601 instant. */
  since?: string;
  /**
   * `jsonl`: one canonical-JSON entry per line, byte-identical to the JSONL sink's lines, so it can be re-verified.
   * `csv`: header + one row per entry (see `CSV_COLUMNS`), for spreadsheets.
   */
  format: 'jsonl' | 'csv';
}

const FLUSH_CHARS = 64 * 1024;

/**
 * Streams entries from `sink` to `writable` in `seq` order, respecting back-pressure. Does not end `writable` (the
 * caller owns it, e.g. `process.stdout`).
 *
 * @returns the number of entries written.
 */
export async function exportAudit(
  sink: Pick<AuditSink, 'read'>,
  options: ExportOptions,
  writable: Writable,
): Promise<{ count: number }> {
  const render = options.format === 'csv' ? csvRow : (entry: object) => `${canonicalJson(entry)}\n`;
  let pending = options.format === 'csv' ? csvHeader() : '';
  let count = 0;
  for await (const entry of sink.read({ since: options.since })) {
    pending += render(entry);
    count += 1;
    if (pending.length >= FLUSH_CHARS) {
      await write(writable, pending);
      pending = '';
    }
  }
  if (pending !== '') await write(writable, pending);
  return { count };
}

async function write(writable: Writable, chunk: string): Promise<void> {
  if (!writable.write(chunk)) await once(writable, 'drain');
}
