/** CSV rendering of audit entries for spreadsheets: a fixed set of common columns plus the rest as JSON. */
import { canonicalJson } from '../core/canonical-json';
import type { AuditEntry } from './entry';

/** Columns of the CSV export, in order. `details` holds every other field as canonical JSON. */
export const CSV_COLUMNS = [
  'seq',
  'id',
  'at',
  'type',
  'workflowId',
  'runId',
  'actor',
  'groupId',
  'groupName',
  'userId',
  'op',
  'outcome',
  'httpStatus',
  'details',
  'prevHash',
  'hash',
] as const;

const DIRECT = new Set<string>(CSV_COLUMNS.filter((column) => column !== 'details'));

/** The header row, with its CRLF terminator. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One entry as a CSV row (RFC 4180, CRLF-terminated). */
export function csvRow(entry: AuditEntry): string {
  const record = entry as unknown as Record<string, unknown>;
  const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !DIRECT.has(key)));
  return `${CSV_COLUMNS.map((column) =>
    csvCell(column === 'details' ? (Object.keys(rest).length > 0 ? canonicalJson(rest) : '') : record[column]),
  ).join(',')}\r\n`;
}

/**
 * Quotes a cell when needed. Text starting with `= + - @` (or a tab/CR) is prefixed with `'` so a spreadsheet does
 * not evaluate it as a formula: group names and comments come from outside and could carry one.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? canonicalJson(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
