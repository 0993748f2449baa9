/**
 * Measures the audit sinks (not a Jest test): `node --expose-gc --import tsx bench/audit-throughput.ts [entries]`.
 * Uses a temp folder and a throw-away PostgreSQL schema (TEST_DATABASE_URL).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAuditSink } from '../src/audit/jsonl-sink';
import { PostgresAuditSink } from '../src/audit/postgres-sink';
import type { AuditSink } from '../src/audit/sink';
import { verifyChain } from '../src/audit/verify';
import { createTestSchema } from '../test/support/postgres';
import { membershipEvents } from '../test/integration/audit-events';
import type { ChildSummary } from '../test/integration/audit-append-child';
import { runChildren } from '../test/integration/audit-sink-contract';

const BATCH = 50;

async function appendAll(sink: AuditSink, total: number, from = 0): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < total; i += BATCH) await sink.append(membershipEvents(Math.min(BATCH, total - i), from + i));
  return performance.now() - started;
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')}/s (${ms.toFixed(0)} ms)`;
}

/** Aggregate rate while the children were appending (their start-up excluded). */
function contention(children: ChildSummary[]): string {
  const appended = children.reduce((sum, c) => sum + c.appended, 0);
  const window = Math.max(...children.map((c) => c.finishedAt)) - Math.min(...children.map((c) => c.startedAt));
  return `${rate(appended, window)} entries, ${rate(children.length * 50, window)} batches`;
}

async function main(): Promise<void> {
  const big = Number(process.argv[2] ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), 'gcsync-audit-bench-'));
  const schema = await createTestSchema('gcsync_bench');
  try {
    const path = join(dir, 'audit.jsonl');
    const jsonl = new JsonlAuditSink({ path });
    let ms = await appendAll(jsonl, 10_000);
    console.log(`jsonl append, batches of ${BATCH}, 1 process, fsync per batch: ${rate(10_000, ms)} entries`);
    ms = await appendAll(jsonl, big - 10_000, 10_000);
    console.log(`jsonl append up to ${big.toLocaleString('en')} entries: ${rate(big - 10_000, ms)} entries`);
    const size = (await stat(path)).size;
    console.log(`jsonl file: ${(size / 1e6).toFixed(1)} MB, ${Math.round(size / big)} bytes/entry`);
    await jsonl.close();

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const cold = new JsonlAuditSink({ path });
    let started = performance.now();
    await cold.append(membershipEvents(1, big));
    console.log(
      `jsonl cold first append (full scan of ${big.toLocaleString('en')} lines): ${(performance.now() - started).toFixed(0)} ms`,
    );
    global.gc?.();
    console.log(`jsonl in-memory index: ~${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(0)} MB heap`);
    started = performance.now();
    await cold.append(membershipEvents(1, big + 1));
    console.log(`jsonl warm append (1 entry, incremental): ${(performance.now() - started).toFixed(1)} ms`);
    started = performance.now();
    const result = await verifyChain(cold.read());
    console.log(`verifyChain over jsonl: ${rate(result.count, performance.now() - started)} entries, ok=${result.ok}`);
    await cold.close();

    const contended = join(dir, 'contended.jsonl');
    const children = await runChildren(
      [0, 1, 2, 3].map((worker) => ({
        worker,
        batches: 50,
        batchSize: BATCH - 1,
        shared: 10,
        target: { kind: 'jsonl' as const, path: contended },
      })),
    );
    console.log(`jsonl 4 processes × 50 batches of ${BATCH}: ${contention(children)}`);

    const pg = new PostgresAuditSink({ connectionString: schema.url, table: schema.table('gcsync_audit') });
    ms = await appendAll(pg, 10_000);
    console.log(`postgres append, batches of ${BATCH}, 1 process: ${rate(10_000, ms)} entries`);
    started = performance.now();
    const pgResult = await verifyChain(pg.read());
    console.log(
      `verifyChain over postgres: ${rate(pgResult.count, performance.now() - started)} entries, ok=${pgResult.ok}`,
    );
    await pg.close();

    const pgChildren = await runChildren(
      [0, 1, 2, 3].map((worker) => ({
        worker,
        batches: 50,
        batchSize: BATCH - 1,
        shared: 10,
        target: { kind: 'postgres' as const, url: schema.url, table: schema.table('contended') },
      })),
    );
    console.log(`postgres 4 processes × 50 batches of ${BATCH}: ${contention(pgChildren)}`);
  } finally {
    await schema.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
