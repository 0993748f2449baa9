import { Writable } from 'node:stream';
import { csvCell, csvRow, CSV_COLUMNS } from '../../src/audit/csv';
import { exportAudit } from '../../src/audit/export';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { canonicalJson } from '../../src/core/canonical-json';
import type { AuditEvent } from '../../src/audit/entry';

function events(count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'membership.change',
    id: `wf/run/membership/g/add/u${i}`,
    at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    workflowId: 'wf',
    runId: 'run',
    groupId: 'g',
    groupName: i === 0 ? '=HYPERLINK("x")' : 'Sales, EMEA',
    userId: `u${i}`,
    op: 'add',
    batchIndex: 0,
    groupVersion: 2,
    outcome: 'applied',
    httpStatus: 200,
  }));
}

/** A writable that accepts one small chunk at a time and drains slowly, to exercise back-pressure. */
function slowSink(): { stream: Writable; text: () => string; maxBuffered: () => number } {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      maxBuffered = Math.max(maxBuffered, stream.writableLength);
      setImmediate(done);
    },
  });
  return { stream, text: () => chunks.join(''), maxBuffered: () => maxBuffered };
}

describe('exportAudit', () => {
  it('writes canonical JSONL, one entry per line, and returns the count', async () => {
    const sink = new MemoryAuditSink();
    await sink.append(events(3));
    const out = slowSink();
    expect(await exportAudit(sink, { format: 'jsonl' }, out.stream)).toEqual({ count: 3 });
    expect(out.text()).toBe(sink.entries.map((e) => `${canonicalJson(e)}\n`).join(''));
    expect(out.stream.writableEnded).toBe(false);
  });

  it('writes CSV with a header and filters by since', async () => {
    const sink = new MemoryAuditSink();
    await sink.append(events(3));
    const out = slowSink();
    expect(await exportAudit(sink, { format: 'csv', since: sink.entries[1].at }, out.stream)).toEqual({ count: 2 });
    const rows = out.text().split('\r\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(4);
    expect(rows[1].startsWith('2,wf/run/membership/g/add/u1,')).toBe(true);
    expect(rows[3]).toBe('');
  });

  it('streams a large log with back-pressure instead of buffering it', async () => {
    const sink = new MemoryAuditSink();
    await sink.append(events(5000));
    const out = slowSink();
    expect(await exportAudit(sink, { format: 'jsonl' }, out.stream)).toEqual({ count: 5000 });
    expect(out.text().split('\n')).toHaveLength(5001);
    // Bounded by one flush (64 KiB of text) plus the stream's own buffer, far below the ~2 MB export.
    expect(out.maxBuffered()).toBeLessThan(200 * 1024);
  });
});

describe('CSV rendering', () => {
  it('quotes cells with commas, quotes or newlines', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(404)).toBe('404');
  });

  it('defuses spreadsheet formulas in text cells', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+33 1 23')).toBe("'+33 1 23");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1)).toBe('-1');
  });

  it('puts fields without a column of their own into details, as canonical JSON', async () => {
    const sink = new MemoryAuditSink();
    await sink.append([
      {
        type: 'run.finished',
        id: 'f',
        at: '2025-01-01T00:00:00Z',
        workflowId: 'w',
        runId: 'r',
        totals: { b: 2, a: 1 },
      },
    ]);
    const row = csvRow(sink.entries[0]);
    const cells = row.trimEnd().split(',');
    expect(cells.slice(0, 4)).toEqual(['1', 'f', '2025-01-01T00:00:00Z', 'run.finished']);
    expect(row).toContain('"{""totals"":{""a"":1,""b"":2}}"');
    expect(row.endsWith(`,${sink.entries[0].prevHash},${sink.entries[0].hash}\r\n`)).toBe(true);
  });

  it('renders a hostile group name harmlessly', async () => {
    const sink = new MemoryAuditSink();
    await sink.append(events(1));
    expect(csvRow(sink.entries[0])).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
