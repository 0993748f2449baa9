/** Plain-text tables for terminal output (no colours, so output pipes and diffs cleanly). */

/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/** Formats rows under headers with columns padded to their widest cell, separated by two spaces. */
export function formatTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Formats `label  value` lines with the labels padded to the same width; undefined values are left out. */
export function formatFields(fields: [label: string, value: string | undefined][]): string {
  const present = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(0, ...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
