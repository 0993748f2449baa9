/**
 * Child process for the cross-process append tests (run with `node --import tsx`). Opens its own sink on the shared
 * log, prints `ready`, waits for `go` on stdin so all children contend at once, appends its batches, prints a JSON
 * summary and exits.
 */
import { createInterface } from 'node:readline';
import { JsonlAuditSink } from '../../src/audit/jsonl-sink';
import { PostgresAuditSink } from '../../src/audit/postgres-sink';
import type { AuditSink } from '../../src/audit/sink';
import { membershipEvent } from './audit-events';

/** What the parent passes as the single argument (JSON). */
export interface ChildConfig {
  target: ChildTarget;
  worker: number;
  batches: number;
  batchSize: number;
  /** Ids every child also appends (same content), to contend on de-duplication. */
  shared: number;
}

/** What the child prints when done: its append totals and when its append loop ran (epoch ms). */
export interface ChildSummary {
  appended: number;
  skipped: number;
  startedAt: number;
  finishedAt: number;
}

/** Where the child's sink points. */
export type ChildTarget = { kind: 'jsonl'; path: string } | { kind: 'postgres'; url: string; table: string };

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  const sink: AuditSink =
    config.target.kind === 'jsonl'
      ? new JsonlAuditSink({ path: config.target.path, onWarning: () => undefined })
      : new PostgresAuditSink({ connectionString: config.target.url, table: config.target.table });
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  process.stdout.write('ready\n');
  await go;
  lines.close();
  let appended = 0;
  let skipped = 0;
  const startedAt = Date.now();
  for (let b = 0; b < config.batches; b++) {
    const own = Array.from({ length: config.batchSize }, (_, i) =>
      membershipEvent(100_000 * (config.worker + 1) + b * config.batchSize + i),
    );
    const shared = membershipEvent(b % config.shared);
    const result = await sink.append([shared, ...own]);
    appended += result.appended;
    skipped += result.skipped;
  }
  const finishedAt = Date.now();
  await sink.close();
  const summary: ChildSummary = { appended, skipped, startedAt, finishedAt };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
