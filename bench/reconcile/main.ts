/**
 * Reconcile benchmark (issue 9 item 7): gcsync and a naive tutorial-style script, side by side in one run, on the
 * same seeded org.
 *
 * 1. Starts a Temporal dev server, the Genesys emulator (throttled at `--rate`, `--latency-ms` added to every
 *    request) with the org of `bench/reconcile/org.ts`, and `gcsync worker` as a child process.
 * 2. Runs one apply through the typed client (`src/client`) and waits for it; counts the emulator's calls by
 *    endpoint, samples the worker's peak RSS, measures the histories; then a no-op rerun on the converged org.
 * 3. Builds the same org in a fresh emulator (same seed) and runs `bench/reconcile/naive.ts` as a child process.
 * 4. Prints a markdown table and writes `bench/results/reconcile-<label>-<date>.{json,md}`.
 *
 * Everything listens on 127.0.0.1 and everything started here is stopped before it exits (also on Ctrl-C).
 *
 * Run: npm run bench:reconcile -- --users N --groups M [--rate R] [--latency-ms L] [--memberships-per-user K]
 *      [--drift D] [--clients C] [--skip-naive] [--label NAME] [--seed S] [--timeout-min T]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startReconciliation, waitForResult } from '../../src/client';
import { genesysEnvFor, startEmulator, type RunningEmulator } from '../../src/emulator';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { measureRun } from '../../test/support/history-metrics';
import { startTestTemporal } from '../../test/support/temporal';
import { parseBenchArgs, type BenchArgs } from './args';
import { lowerBound, noOpLowerBound, sum, summariseCalls } from './calls';
import { startChild, waitForOutput, type BenchChild } from './child-process';
import type { NaiveResult, NaiveSpec } from './naive';
import { buildBenchOrg, sameOrg, unconvergedGroups, type BenchOrg } from './org';
import { renderMarkdown, type BenchReport, type GcsyncRun, type NaiveRun } from './report';
import { tokenPoolEnv } from './token-pool';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'gcsync.js');
const NAIVE = join(__dirname, 'naive.ts');

/**
 * Stops what was started, newest first. A signal and the normal `finally` may both ask: they share one pass, so
 * the process never exits while a step (e.g. removing the work folder) is still running.
 */
class Cleanup {
  private steps: { name: string; run: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;
  add(name: string, run: () => Promise<unknown>): void {
    // Something started while stopping (the run goes on until the process exits): stop it at once.
    if (this.running) void run().catch(() => undefined);
    else this.steps.push({ name, run });
  }
  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        await step.run().catch((err: unknown) => log(`cleanup ${step.name}: ${String(err)}`));
      }
    })();
    return this.running;
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const deadline = Date.now() + args.timeoutMin * 60_000;
  const loadAtStart = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'gcsync-bench-'));
  const cleanup = new Cleanup();
  cleanup.add('work dir', async () => rmSync(dir, { recursive: true, force: true }));
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and a second signal
  // without a listener would kill it in the middle of stopping its children.
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    log('interrupted; stopping everything');
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    log(`starting Temporal dev server`);
    const temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
    cleanup.add('temporal', () => temporal.stop());

    const first = await seededEmulator(args, cleanup);
    const lb = lowerBound(args.users, first.org.groups);
    const noOpLb = noOpLowerBound(args.users, args.groups);
    const rulesRef = join(dir, 'rules.yaml');
    writeFileSync(rulesRef, first.org.rules);

    const taskQueue = temporal.taskQueue('bench');
    const workerEnv: Record<string, string> = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      GCSYNC_TASK_QUEUE: taskQueue,
      ...genesysEnvFor(first.emulator),
      ...tokenPoolEnv(first.emulator, args.clients, dir),
      GCSYNC_DATA_DIR: join(dir, 'data'),
      AUDIT_FILE: join(dir, 'audit.jsonl'),
      DATABASE_URL: '',
      SCIM_BASE_URL: '',
      GCSYNC_METRICS_ADDRESS: '',
      // `BENCH_WORKER_HEAP_MB=N` caps the worker's V8 heap (e.g. to see whether a peak RSS is live data or garbage).
      ...(process.env.BENCH_WORKER_HEAP_MB
        ? { NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_WORKER_HEAP_MB}` }
        : {}),
    };
    log('starting gcsync worker (child process)');
    const workerLog = join(dir, 'worker.log');
    const worker = startChild([BIN, 'worker'], { ...process.env, ...workerEnv }, workerLog);
    cleanup.add('worker', () => worker.stop());
    await waitForOutput(worker, (out) => out.includes('worker running'), 300_000);

    log('gcsync: first run');
    const gcsync = await runGcsync(temporal.client, worker, first.emulator, first.org, taskQueue, rulesRef, deadline);
    worker.sample();
    const peakAfterFirst = worker.peakRssBytes();
    log(`gcsync: ${gcsync.status} in ${(gcsync.wallMs / 1000).toFixed(1)} s, ${gcsync.calls.apiCalls} API calls`);

    let history: BenchReport['history'];
    let historyError: string | undefined;
    try {
      const m = await measureRun(temporal.client, gcsync.workflowId);
      history = {
        parentEvents: m.parent.events,
        children: m.children.length,
        largestChildEvents: m.maxChild?.events ?? 0,
        largestPayload: m.largest,
        activityMs: sumActivityMs([m.parent, ...m.children].map((e) => e.activityMs)),
      };
    } catch (err) {
      historyError = `history not measured: ${String(err)}`;
    }

    log('gcsync: no-op rerun');
    const noOpRerun = await runGcsync(
      temporal.client,
      worker,
      first.emulator,
      first.org,
      taskQueue,
      rulesRef,
      deadline,
    );
    log(`no-op rerun: ${noOpRerun.status}, ${noOpRerun.calls.apiCalls} API calls`);
    await worker.stop();
    const tmprl1104 = (readFileSync(workerLog, 'utf8').match(/TMPRL1104/g) ?? []).length;
    const tokensIssued = first.emulator.state.tokens.counts().total;
    await first.emulator.close();

    let naive: NaiveRun | undefined;
    let naiveSkippedReason: string | undefined;
    if (args.skipNaive) {
      naiveSkippedReason = 'skipped (--skip-naive)';
    } else {
      const second = await seededEmulator(args, cleanup);
      if (!sameOrg(first.org, second.org)) throw new Error('the second build of the org differs from the first');
      naive = await runNaive(second.emulator, second.org, join(dir, 'naive.log'), deadline, cleanup);
      await second.emulator.close();
      log(`naive: ${naive.status} in ${(naive.wallMs / 1000).toFixed(1)} s, ${naive.calls.apiCalls} API calls`);
    }

    const adds = first.org.groups.reduce((n, g) => n + g.adds, 0);
    const removes = first.org.groups.reduce((n, g) => n + g.removes, 0);
    const lbTotal = sum(lb);
    const date = new Date().toISOString();
    const report: BenchReport = {
      label: args.label,
      date,
      command: `npm run bench:reconcile -- ${process.argv.slice(2).join(' ')}`,
      machine:
        `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
        `${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`,
      loadAverageAtStart: loadAtStart,
      args,
      org: {
        users: args.users,
        groups: args.groups,
        changedGroups: first.org.groups.filter((g) => g.adds + g.removes > 0).length,
        adds,
        removes,
        buildMs: first.buildMs,
      },
      lowerBound: lb,
      lowerBoundTotal: lbTotal,
      noOpLowerBound: noOpLb,
      noOpLowerBoundTotal: sum(noOpLb),
      ...(args.rate ? { rateFloorSeconds: (lbTotal / args.rate) * 60 } : {}),
      worker: {
        // Paths and addresses only; the emulator's local secret is not written to results.
        env: Object.fromEntries(Object.entries(workerEnv).filter(([k]) => !/SECRET/.test(k))),
        peakRssBytes: worker.peakRssBytes(),
        peakRssAfterFirstRunBytes: peakAfterFirst,
        tmprl1104,
        tokensIssued,
      },
      gcsync,
      ...(history ? { history } : {}),
      ...(historyError ? { historyError } : {}),
      noOpRerun,
      ...(naive ? { naive } : {}),
      ...(naiveSkippedReason ? { naiveSkippedReason } : {}),
    };
    const markdown = renderMarkdown(report);
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const base = join(resultsDir, `reconcile-${args.label}-${date.slice(0, 10)}`);
    writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(`${base}.md`, markdown);
    process.stdout.write(markdown);
    log(`wrote ${base}.json and .md`);
  } finally {
    await cleanup.runAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** An emulator holding the benchmark org, with the run's latency applied after the build. */
async function seededEmulator(
  args: BenchArgs,
  cleanup: Cleanup,
): Promise<{ emulator: RunningEmulator; org: BenchOrg; buildMs: number }> {
  const emulator = await startEmulator({
    users: 0,
    groups: 0,
    seed: args.seed,
    rateLimitPerMinute: args.rate,
    host: '127.0.0.1',
    quiet: true,
  });
  cleanup.add('emulator', () => emulator.close());
  const started = Date.now();
  const org = buildBenchOrg(emulator, { ...args });
  const buildMs = Date.now() - started;
  log(`org built in ${(buildMs / 1000).toFixed(1)} s at ${emulator.url}`);
  if (args.latencyMs) emulator.state.applyFaults({ latencyMs: args.latencyMs });
  return { emulator, org, buildMs };
}

/** One apply through the typed client; the emulator's call log is reset first so it holds this run's calls only. */
async function runGcsync(
  client: Client,
  worker: BenchChild,
  emulator: RunningEmulator,
  org: BenchOrg,
  taskQueue: string,
  rulesRef: string,
  deadline: number,
): Promise<GcsyncRun> {
  emulator.state.resetCalls();
  const started = Date.now();
  const { workflowId } = await startReconciliation(
    client,
    { mode: 'apply', rulesRef, requestedBy: 'bench', overrides: { requireApproval: 'never' } },
    { taskQueue },
  );
  let status: string;
  let error: string | undefined;
  let totals = { added: 0, removed: 0, failedGroups: 0 };
  try {
    // A worker that dies (e.g. out of memory) would leave the run waiting for another worker until the deadline.
    const workerGone = worker.exited.then((code) => {
      const lastLines = tail(readFileSync(worker.logFile, 'utf8'));
      throw new Error(`the worker exited (${code}) during the run; its last log lines: ${lastLines}`);
    });
    const result = await withDeadline(Promise.race([waitForResult(client, workflowId), workerGone]), deadline);
    status = result.status;
    error = result.error;
    totals = result.totals;
  } catch (err) {
    status = 'failed';
    error = err instanceof Error ? err.message : String(err);
    await client.workflow
      .getHandle(workflowId)
      .terminate('benchmark gave up')
      .catch(() => undefined);
  }
  const wallMs = Date.now() - started;
  return {
    workflowId,
    status,
    ...(error ? { error } : {}),
    wallMs,
    added: totals.added,
    removed: totals.removed,
    failedGroups: totals.failedGroups,
    converged: unconvergedGroups(emulator, org).length === 0,
    calls: summariseCalls(emulator.state.callsReport()),
  };
}

/** Runs the naive script as a child against `emulator`. */
async function runNaive(
  emulator: RunningEmulator,
  org: BenchOrg,
  logFile: string,
  deadline: number,
  cleanup: Cleanup,
): Promise<NaiveRun> {
  const spec: NaiveSpec = {
    url: emulator.url,
    clientId: emulator.state.options.clientId,
    groups: org.groups.map((g) => ({ name: g.name, skill: g.skill })),
  };
  const specFile = `${logFile}.spec.json`;
  writeFileSync(specFile, JSON.stringify(spec));
  emulator.state.resetCalls();
  log('naive: running (child process)');
  const child: BenchChild = startChild(
    ['--import', 'tsx', NAIVE, specFile],
    { ...process.env, NAIVE_CLIENT_SECRET: emulator.state.options.clientSecret },
    logFile,
  );
  cleanup.add('naive', () => child.stop());
  const code = await withDeadline(child.exited, deadline).catch(async (err: unknown) => {
    await child.stop(2_000);
    return `timeout: ${String(err)}`;
  });
  child.sample();
  const line = child
    .output()
    .split('\n')
    .find((l) => l.startsWith('{"wallMs"'));
  const parsed = line ? (JSON.parse(line) as NaiveResult) : undefined;
  return {
    status: code === 0 && parsed ? 'completed' : 'failed',
    ...(code === 0 && parsed
      ? {}
      : { error: `exit ${code}; see the last lines of ${logFile}: ${tail(child.output())}` }),
    wallMs: parsed?.wallMs ?? 0,
    added: parsed?.added ?? 0,
    removed: parsed?.removed ?? 0,
    sleptOn429: parsed?.sleptOn429 ?? 0,
    converged: unconvergedGroups(emulator, org).length === 0,
    peakRssBytes: child.peakRssBytes(),
    calls: summariseCalls(emulator.state.callsReport()),
  };
}

function sumActivityMs(all: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ms of all) for (const [name, t] of Object.entries(ms)) out[name] = (out[name] ?? 0) + t;
  return out;
}

function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('benchmark timeout (--timeout-min) reached')),
      Math.max(0, deadline - Date.now()),
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}

function log(line: string): void {
  process.stderr.write(`[bench:reconcile ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
