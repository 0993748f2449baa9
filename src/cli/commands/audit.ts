/** `gcsync audit verify|export`: check the audit log's hash chain, or stream it out for auditors. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { exportAudit, openAuditSink, verifyChain, type AuditSink } from '../../audit';
import { printJson, printNote, printText } from '../output/print';

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('Verify or export the audit log (JSONL file, or PostgreSQL when DATABASE_URL is set)')
    .addHelpText(
      'after',
      `
The log is chosen like the worker's: PostgreSQL when DATABASE_URL is set, else the JSONL
file AUDIT_FILE (default ./.gcsync/audit.jsonl).

Examples:
  $ gcsync audit verify
  $ gcsync audit export --since 2026-11-01T00:00:00Z --format csv > audit.csv`,
    );

  audit
    .command('verify')
    .description('Check the hash chain; exit 0 when intact, 1 with the first bad entry')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      `
Prints the head (last seq and hash) of an intact chain: keep it elsewhere to detect a
later truncation, which the chain alone cannot show.

Examples:
  $ gcsync audit verify
  $ AUDIT_FILE=/var/lib/gcsync/audit.jsonl gcsync audit verify --json`,
    )
    .action(async (opts: { json?: boolean }) => {
      const verdict = await withAuditSink((sink) => verifyChain(sink.read()));
      if (opts.json) printJson(verdict);
      else if (verdict.ok) {
        printText(
          `Audit chain intact: ${verdict.count} entries, head seq ${verdict.head.seq} hash ${verdict.head.hash}`,
        );
      } else {
        const bad = verdict.firstBad;
        printText(`Audit chain BROKEN after ${verdict.count} good entries: ${verdict.message}`);
        printText(`First bad entry: seq ${bad.seq}${bad.id ? ` id ${bad.id}` : ''} (${bad.problem})`);
      }
      process.exitCode = verdict.ok ? 0 : 1;
    });

  audit
    .command('export')
    .description('Write the audit log to stdout, oldest first')
    .option('--since <iso>', 'only entries at or after this ISO-8601 instant', parseIsoInstant)
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .addHelpText(
      'after',
      `
jsonl lines are byte-identical to the JSONL sink's, so an unfiltered export can be verified
again; csv is for spreadsheets.

Examples:
  $ gcsync audit export > audit.jsonl
  $ gcsync audit export --since 2026-11-01T00:00:00Z --format csv > audit.csv`,
    )
    .action(async (opts: { since?: string; format: 'jsonl' | 'csv' }) => {
      const { count } = await withAuditSink((sink) =>
        exportAudit(sink, { since: opts.since, format: opts.format }, process.stdout),
      );
      printNote(`Exported ${count} entries.`);
    });
}

/** Commander parser for `--since`: an ISO-8601 instant, kept as given. */
export function parseIsoInstant(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError(
      `must be an ISO-8601 date or instant like 2026-11-01T00:00:00Z, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

async function withAuditSink<T>(fn: (sink: AuditSink) => Promise<T>): Promise<T> {
  const sink = await openAuditSink(process.env);
  try {
    return await fn(sink);
  } finally {
    await sink.close();
  }
}
