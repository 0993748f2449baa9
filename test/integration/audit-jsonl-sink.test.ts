import { appendFile, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../src/core/canonical-json';
import { sealBatch } from '../../src/audit/chain';
import { EMPTY_HEAD } from '../../src/audit/entry';
import { AuditCorruptionError } from '../../src/audit/errors';
import { JsonlAuditSink } from '../../src/audit/jsonl-sink';
import { verifyChain } from '../../src/audit/verify';
import { membershipEvent, membershipEvents } from './audit-events';
import { collect, describeAuditSinkContract } from './audit-sink-contract';

let dir: string;
let logs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gcsync-audit-jsonl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
}

async function rewriteLines(path: string, edit: (lines: string[]) => string[]): Promise<void> {
  await writeFile(path, edit(await readLines(path)).join('\n') + '\n');
}

const indexOfSeq = (lines: string[], seq: number): number =>
  lines.findIndex((line) => (JSON.parse(line) as { seq: number }).seq === seq);

describeAuditSinkContract('JSONL file', {
  crossProcess: true,
  createLog: async () => {
    const path = join(dir, `log-${++logs}`, 'audit.jsonl');
    return {
      open: async () => new JsonlAuditSink({ path, onWarning: () => undefined }),
      modify: (seq, field, value) =>
        rewriteLines(path, (lines) => {
          const i = indexOfSeq(lines, seq);
          lines[i] = JSON.stringify({ ...(JSON.parse(lines[i]) as object), [field]: value });
          return lines;
        }),
      remove: (seq) => rewriteLines(path, (lines) => lines.filter((_, i) => i !== indexOfSeq(lines, seq))),
      swap: (a, b) =>
        rewriteLines(path, (lines) => {
          const [i, j] = [indexOfSeq(lines, a), indexOfSeq(lines, b)];
          [lines[i], lines[j]] = [lines[j], lines[i]];
          return lines;
        }),
      childTarget: { kind: 'jsonl', path },
    };
  },
});

describe('JsonlAuditSink specifics', () => {
  let path: string;
  let sink: JsonlAuditSink;
  const warnings: string[] = [];

  beforeEach(() => {
    path = join(dir, `specific-${++logs}`, 'audit.jsonl');
    warnings.length = 0;
    sink = new JsonlAuditSink({ path, onWarning: (message) => warnings.push(message) });
  });
  afterEach(async () => {
    await sink.close();
  });

  it('writes one canonical JSON entry per line, creating folders', async () => {
    await sink.append(membershipEvents(3));
    const lines = await readLines(path);
    expect(lines).toHaveLength(3);
    lines.forEach((line) => expect(canonicalJson(JSON.parse(line))).toBe(line));
  });

  it('ignores a torn last line when reading, and truncates it before the next append', async () => {
    await sink.append(membershipEvents(3));
    const sizeBefore = (await stat(path)).size;
    const torn = canonicalJson({ ...membershipEvent(3), seq: 4 }).slice(0, 40);
    await appendFile(path, torn);

    expect(await collect(sink.read())).toHaveLength(3);
    expect(await verifyChain(sink.read())).toMatchObject({ ok: true, count: 3 });

    // A fresh writer (as after a crash) finds the torn bytes under the lock.
    const next = new JsonlAuditSink({ path, onWarning: (message) => warnings.push(message) });
    expect(await next.append(membershipEvents(2, 3))).toEqual({ appended: 2, skipped: 0 });
    await next.close();
    expect(warnings).toEqual([expect.stringContaining(`removed a torn last line (${torn.length} bytes`)]);
    expect((await stat(path)).size).toBeGreaterThan(sizeBefore);
    expect(await verifyChain(sink.read())).toMatchObject({ ok: true, count: 5 });
  });

  it('recovers a crashed batch: keeps its complete lines, drops the torn one, and the retry fills in the rest', async () => {
    await sink.append(membershipEvents(2));
    // Simulate a crash mid-write of a 4-entry batch: 2 complete lines and half of the third reached the file.
    const batch = membershipEvents(4, 2);
    const entries = await collect(sink.read());
    const last = entries[entries.length - 1];
    const sealed = sealBatch(batch, { seq: last.seq, hash: last.hash }, () => false).entries.map(canonicalJson);
    await appendFile(path, `${sealed[0]}\n${sealed[1]}\n${sealed[2].slice(0, 25)}`);

    const retry = new JsonlAuditSink({ path, onWarning: (message) => warnings.push(message) });
    expect(await retry.append(batch)).toEqual({ appended: 2, skipped: 2 });
    await retry.close();
    const lines = await readLines(path);
    expect(lines).toHaveLength(6);
    expect(lines.slice(2, 5)).toEqual(sealed.slice(0, 3));
    expect(warnings).toHaveLength(1);
    expect(await verifyChain(sink.read())).toMatchObject({ ok: true, count: 6 });
  });

  it('refuses to extend a chain with an unreadable line, and verify reports it', async () => {
    await sink.append(membershipEvents(3));
    await rewriteLines(path, (lines) => [lines[0], '{"seq":2, garbage', lines[2]]);
    const fresh = new JsonlAuditSink({ path });
    await expect(fresh.append([membershipEvent(9)])).rejects.toThrow(AuditCorruptionError);
    await fresh.close();
    expect(await verifyChain(sink.read())).toMatchObject({
      ok: false,
      count: 1,
      firstBad: { seq: 2, problem: 'modified' },
    });
  });

  it('notices when the file is replaced (rotated) and rescans instead of trusting its index', async () => {
    await sink.append(membershipEvents(3));
    await rename(path, `${path}.rotated`);
    // A new, empty file starts a new chain: nothing is skipped and seq restarts at 1 from the genesis hash.
    expect(await sink.append(membershipEvents(4))).toEqual({ appended: 4, skipped: 0 });
    const entries = await collect(sink.read());
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(entries[0].prevHash).toBe(EMPTY_HEAD.hash);
  });

  it('picks up entries other writers appended since its last append (incremental index)', async () => {
    const other = new JsonlAuditSink({ path });
    await sink.append(membershipEvents(2));
    await other.append(membershipEvents(3, 2));
    // `sink` must see ids 2..4 from `other` to skip them, and continue after seq 5.
    expect(await sink.append(membershipEvents(6))).toEqual({ appended: 1, skipped: 5 });
    await other.close();
    expect(await verifyChain(sink.read())).toMatchObject({ ok: true, count: 6 });
  });

  it('rejects appends after close', async () => {
    await sink.close();
    await expect(sink.append([membershipEvent(1)])).rejects.toThrow(/closed/);
  });
});
