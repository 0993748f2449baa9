/**
 * The behaviour every AuditSink must have, as one suite run against each implementation (JSONL, PostgreSQL,
 * in-memory). Each implementation supplies a harness that creates an empty log, opens sinks on it and can tamper
 * with what is stored.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { GENESIS_HASH, type AuditEntry, type AuditEvent } from '../../src/audit/entry';
import { AuditValidationError } from '../../src/audit/errors';
import { exportAudit } from '../../src/audit/export';
import type { AuditSink } from '../../src/audit/sink';
import { verifyChain } from '../../src/audit/verify';
import type { ChildConfig, ChildSummary, ChildTarget } from './audit-append-child';
import { membershipEvent, membershipEvents, runEvents } from './audit-events';

/** One empty log, and ways to reach it. */
export interface TestLog {
  /** Opens a sink on this log; may be called several times (each is a separate writer). */
  open(): Promise<AuditSink>;
  /** Rewrites the stored entry at `seq` with `field` set to `value`, without fixing its hash. */
  modify(seq: number, field: string, value: unknown): Promise<void>;
  /** Deletes the stored entry at `seq`. */
  remove(seq: number): Promise<void>;
  /** Exchanges the stored positions of the entries at `a` and `b`. */
  swap(a: number, b: number): Promise<void>;
  /** Where child processes should append, when the sink supports cross-process writers. */
  childTarget?: ChildTarget;
}

/** Supplies fresh logs for the contract suite. */
export interface AuditSinkHarness {
  /** Called before each test (after the caller's `beforeAll` hooks). */
  createLog(): Promise<TestLog>;
  /** Whether separate processes can append to one log (runs the multi-process test). */
  crossProcess: boolean;
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Registers the contract tests for one sink implementation. */
export function describeAuditSinkContract(name: string, harness: AuditSinkHarness): void {
  describe(`AuditSink contract: ${name}`, () => {
    let log: TestLog;
    const opened: AuditSink[] = [];
    const open = async (): Promise<AuditSink> => {
      const sink = await log.open();
      opened.push(sink);
      return sink;
    };

    beforeEach(async () => {
      log = await harness.createLog();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((sink) => sink.close()));
    });

    it('stores entries in order, chained from the genesis hash', async () => {
      const sink = await open();
      const events = runEvents();
      expect(await sink.append(events)).toEqual({ appended: events.length, skipped: 0 });
      const entries = await collect(sink.read());
      expect(entries.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(entries.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(entries[0].prevHash).toBe(GENESIS_HASH);
      entries.slice(1).forEach((entry, i) => expect(entry.prevHash).toBe(entries[i].hash));
      // Free-form fields are stored verbatim.
      expect(entries[0]).toMatchObject({ ...events[0], seq: 1 });
      expect(await verifyChain(sink.read())).toEqual({
        ok: true,
        count: events.length,
        head: { seq: events.length, hash: entries[entries.length - 1].hash },
      });
    });

    it('handles empty batches and empty logs', async () => {
      const sink = await open();
      expect(await sink.append([])).toEqual({ appended: 0, skipped: 0 });
      expect(await collect(sink.read())).toEqual([]);
      expect(await verifyChain(sink.read())).toEqual({ ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH } });
    });

    it('keeps exactly one entry per event id under repeated appends', async () => {
      const sink = await open();
      const events = membershipEvents(20);
      expect(await sink.append(events)).toEqual({ appended: 20, skipped: 0 });
      expect(await sink.append(events)).toEqual({ appended: 0, skipped: 20 });
      expect(await sink.append([...events.slice(10), ...membershipEvents(5, 20)])).toEqual({
        appended: 5,
        skipped: 10,
      });
      // Repeats inside one batch: the first occurrence wins.
      expect(await sink.append([membershipEvent(30), membershipEvent(30, { outcome: 'failed' })])).toEqual({
        appended: 1,
        skipped: 1,
      });
      const entries = await collect(sink.read());
      expect(entries).toHaveLength(26);
      expect(new Set(entries.map((e) => e.id)).size).toBe(26);
      expect(entries[25]).toMatchObject({ id: membershipEvent(30).id, outcome: 'applied' });
      expect((await verifyChain(sink.read())).ok).toBe(true);
    });

    it('retries a batch that partly landed without duplicating or re-hashing what landed', async () => {
      const sink = await open();
      const batch = membershipEvents(10);
      await sink.append(batch.slice(0, 4));
      const landed = await collect(sink.read());
      // The retry carries a later time for the same ids (e.g. re-derived); the first record stays authoritative.
      const retry = batch.map((e) => ({ ...e, at: '2030-01-01T00:00:00.000Z' }));
      expect(await sink.append(retry)).toEqual({ appended: 6, skipped: 4 });
      const entries = await collect(sink.read());
      expect(entries.slice(0, 4)).toEqual(landed);
      expect(entries.map((e) => e.id)).toEqual(batch.map((e) => e.id));
      expect(entries[4]).toMatchObject({ seq: 5, prevHash: landed[3].hash, at: '2030-01-01T00:00:00.000Z' });
      expect((await verifyChain(sink.read())).ok).toBe(true);
    });

    it('continues the chain from another sink instance on the same log', async () => {
      const first = await open();
      await first.append(membershipEvents(3));
      const second = await open();
      await second.append(membershipEvents(3, 3));
      await first.append([...membershipEvents(3, 3), ...membershipEvents(2, 6)]);
      const entries = await collect(second.read());
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await verifyChain(first.read())).toMatchObject({ ok: true, count: 8 });
    });

    it('serialises concurrent appends from one process', async () => {
      const sinks = [await open(), await open()];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          sinks[i % 2].append([...membershipEvents(5, i * 5), membershipEvent(1000 + (i % 3))]),
        ),
      );
      expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(63);
      const entries = await collect(sinks[0].read());
      expect(entries).toHaveLength(63);
      expect(await verifyChain(sinks[1].read())).toMatchObject({ ok: true, count: 63 });
    });

    it('rejects a batch containing an invalid event and writes none of it', async () => {
      const sink = await open();
      const bad = [
        membershipEvent(1),
        { ...membershipEvent(2), op: 'replace' },
        { ...membershipEvent(3), at: 'yesterday' },
        { ...membershipEvent(4), type: 'membership.changed' },
        { ...membershipEvent(5), extra: () => 1 },
      ] as unknown as AuditEvent[];
      const error = await sink.append(bad).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(AuditValidationError);
      expect((error as AuditValidationError).issues).toEqual([
        expect.stringContaining('events[1].op'),
        expect.stringContaining('events[2].at'),
        expect.stringContaining('events[3].type'),
        expect.stringContaining('events[4]: canonicalJson: cannot serialise function'),
      ]);
      expect(await collect(sink.read())).toEqual([]);
    });

    it('rejects secret-looking fields and writes nothing', async () => {
      const sink = await open();
      const secretive = [
        { ...membershipEvent(1), scimToken: 'abc' },
        { ...membershipEvent(2), request: { headers: { Authorization: 'x' } } },
        { ...membershipEvent(3), error: 'POST failed; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc' },
        { ...membershipEvent(4), client_secret: 's' },
        { ...membershipEvent(5), password: 'p' },
      ] as AuditEvent[];
      for (const event of secretive) {
        await expect(sink.append([membershipEvent(0), event])).rejects.toThrow(/must not contain secrets/);
      }
      expect(await collect(sink.read())).toEqual([]);
    });

    it('filters reads by time with since', async () => {
      const sink = await open();
      await sink.append(membershipEvents(10));
      const since = membershipEvent(6).at;
      expect((await collect(sink.read({ since }))).map((e) => e.seq)).toEqual([7, 8, 9, 10]);
      // Same instant in another offset.
      const plusTwo = new Date(Date.parse(since)).toISOString().replace('Z', '+00:00');
      expect(await collect(sink.read({ since: plusTwo }))).toHaveLength(4);
      await expect(collect(sink.read({ since: 'last tuesday' }))).rejects.toThrow(/since/);
    });

    it('exports JSONL that re-verifies, and CSV', async () => {
      const sink = await open();
      await sink.append(runEvents());
      const jsonl = await exportToString(sink, { format: 'jsonl' });
      const lines = jsonl.trimEnd().split('\n');
      expect(lines).toHaveLength(runEvents().length);
      expect(await verifyChain(lines.map((line) => JSON.parse(line) as AuditEntry))).toMatchObject({ ok: true });
      const csv = await exportToString(sink, { format: 'csv', since: runEvents()[9].at });
      const rows = csv.trimEnd().split('\r\n');
      expect(rows[0]).toMatch(/^seq,id,at,type,/);
      expect(rows).toHaveLength(3);
      expect(rows[1]).toMatch(/^10,wf-2\/run-2\/run-aborted,2025-01-01T00:00:09.000Z,run.aborted,wf-2,run-2,/);
    });

    it('detects a modified entry', async () => {
      const sink = await open();
      await sink.append(membershipEvents(6));
      await log.modify(4, 'op', 'remove');
      expect(await verifyChain(sink.read())).toMatchObject({
        ok: false,
        count: 3,
        firstBad: { seq: 4, id: membershipEvent(3).id, problem: 'modified' },
      });
    });

    it('detects a removed entry', async () => {
      const sink = await open();
      await sink.append(membershipEvents(6));
      await log.remove(3);
      const result = await verifyChain(sink.read());
      expect(result).toMatchObject({ ok: false, count: 2, firstBad: { seq: 3, problem: 'removed' } });
      expect(result.ok || result.firstBad.id).toBeUndefined();
    });

    it('detects reordered entries', async () => {
      const sink = await open();
      await sink.append(membershipEvents(6));
      await log.swap(2, 5);
      expect(await verifyChain(sink.read())).toMatchObject({
        ok: false,
        count: 1,
        firstBad: { seq: 2, id: membershipEvent(1).id, problem: 'reordered' },
      });
    });

    if (harness.crossProcess) {
      it('keeps one unbroken chain under appends from several processes', async () => {
        if (!log.childTarget) throw new Error('harness supports cross-process appends but gave no child target');
        const children = 3;
        const config = { batches: 15, batchSize: 8, shared: 10 };
        const results = await runChildren(
          Array.from({ length: children }, (_, worker) => ({ ...config, worker, target: log.childTarget! })),
        );
        const sink = await open();
        const entries = await collect(sink.read());
        const expected = children * config.batches * config.batchSize + config.shared;
        expect(entries).toHaveLength(expected);
        expect(new Set(entries.map((e) => e.id)).size).toBe(expected);
        expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(expected);
        expect(results.reduce((sum, r) => sum + r.skipped, 0)).toBe(children * config.batches - config.shared);
        expect(await verifyChain(sink.read())).toMatchObject({ ok: true, count: expected });
        // The writers really interleaved (each waits for the others' batches), so the lock was exercised.
        const writer = (id: string): number => Math.floor(Number(id.split('/u-')[1]) / 100_000);
        const owned = entries.map((e) => writer(e.id)).filter((w) => w > 0);
        const switches = owned.filter((w, i) => i > 0 && w !== owned[i - 1]).length;
        expect(switches).toBeGreaterThanOrEqual(children);
      });
    }
  });
}

async function exportToString(sink: AuditSink, options: Parameters<typeof exportAudit>[1]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportAudit(sink, options, out);
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

const CHILD_SCRIPT = join(__dirname, 'audit-append-child.ts');
const REPO_ROOT = join(__dirname, '..', '..');

/** Starts one child per config, releases them together once all are ready, and returns their summaries. */
export async function runChildren(configs: ChildConfig[]): Promise<ChildSummary[]> {
  const children = configs.map((config) =>
    spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(config)], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const outputs = children.map((child) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('ready\n') && resolve());
      child.once('exit', () => reject(new Error(`child exited before ready: ${stderr}`)));
    });
    const done = new Promise<ChildSummary>((resolve, reject) => {
      child.once('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(stdout.split('\n')[1]) as ChildSummary)
          : reject(new Error(`child exited with ${code}: ${stderr}`)),
      );
    });
    done.catch(() => undefined);
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  children.forEach((child) => child.stdin.end('go\n'));
  return Promise.all(outputs.map((o) => o.done));
}
