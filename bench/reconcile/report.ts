/**
 * The benchmark's result (JSON) and its markdown rendering: calls by endpoint against the lower bound, wall time
 * against the rate floor, 429s, worker memory, history size, and the naive ÷ gcsync ratios.
 */
import type { PayloadSite } from '../../test/support/history-metrics';
import type { BenchArgs } from './args';
import type { CallSummary } from './calls';

/** One gcsync run (the first apply, or the no-op rerun). */
export interface GcsyncRun {
  workflowId: string;
  status: string;
  error?: string;
  wallMs: number;
  added: number;
  removed: number;
  failedGroups: number;
  converged: boolean;
  calls: CallSummary;
}

/** History figures of the first gcsync run. */
export interface HistoryFigures {
  parentEvents: number;
  children: number;
  largestChildEvents: number;
  largestPayload?: PayloadSite;
  /** Scheduled → completed time per activity type, summed over the parent and all children, ms. */
  activityMs: Record<string, number>;
}

/** The naive run. */
export interface NaiveRun {
  status: 'completed' | 'failed';
  error?: string;
  /** Time inside the script (login to last write), ms. */
  wallMs: number;
  added: number;
  removed: number;
  sleptOn429: number;
  converged: boolean;
  peakRssBytes: number;
  calls: CallSummary;
}

/** Everything one benchmark run recorded. */
export interface BenchReport {
  label: string;
  date: string;
  command: string;
  machine: string;
  loadAverageAtStart: number;
  args: BenchArgs;
  org: { users: number; groups: number; changedGroups: number; adds: number; removes: number; buildMs: number };
  /** Lower bound per route, and its sum. */
  lowerBound: Record<string, number>;
  lowerBoundTotal: number;
  noOpLowerBound: Record<string, number>;
  noOpLowerBoundTotal: number;
  /** LB / R in seconds; undefined when unthrottled. */
  rateFloorSeconds?: number;
  worker: {
    env: Record<string, string>;
    peakRssBytes: number;
    peakRssAfterFirstRunBytes: number;
    tmprl1104: number;
    /** OAuth tokens the worker obtained (from its start to its stop); a token pool of C clients should show ≥ C. */
    tokensIssued: number;
  };
  gcsync: GcsyncRun;
  history?: HistoryFigures;
  historyError?: string;
  noOpRerun?: GcsyncRun;
  naive?: NaiveRun;
  naiveSkippedReason?: string;
}

const n = (v: number) => v.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => (bytes ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : 'n/a');
const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : 'n/a');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function callsOf(summary: CallSummary | undefined, route: string): number {
  return summary?.endpoints.find((e) => e.route === route)?.calls ?? 0;
}
function throttledOf(summary: CallSummary | undefined, route: string): number {
  return summary?.endpoints.find((e) => e.route === route)?.throttled ?? 0;
}

/** Markdown for one report. */
export function renderMarkdown(r: BenchReport): string {
  const a = r.args;
  const g = r.gcsync;
  const nv = r.naive;
  const noop = r.noOpRerun;
  const lines: string[] = [
    `# Reconcile benchmark: ${r.label}`,
    '',
    'Recorded by `bench/reconcile/main.ts` from an actual run.',
    '',
    `- **Date:** ${r.date}`,
    `- **Machine:** ${r.machine}; 1-minute load average at start: ${r.loadAverageAtStart.toFixed(2)}`,
    `- **Command:** \`${r.command}\``,
    `- **Org:** ${n(r.org.users)} users, ${n(r.org.groups)} target groups (one \`mode: exact\` skill rule each, ` +
      `approval never), ${a.membershipsPerUser} group(s) per user, drift ${a.drift} → ${n(r.org.changedGroups)} ` +
      `changed groups, +${n(r.org.adds)} / −${n(r.org.removes)}; seed ${a.seed}; built in ${s(r.org.buildMs)}`,
    `- **Budget:** ${a.rate ? `${n(a.rate)} requests/min per token` : 'unthrottled'}, ${a.latencyMs} ms added ` +
      `latency per request; ${a.clients} OAuth client(s) given to the worker`,
    `- **Stack:** emulator in the harness process; Temporal dev server (in-memory); \`gcsync worker\` as a child ` +
      'process (local-folder blob store, JSONL audit, SCIM off, default worker settings)' +
      (r.naive
        ? '; the naive script as another child process on a freshly built emulator with the same seed (same ids, ' +
          'same drift).'
        : '.'),
    '',
    '## Calls by endpoint',
    '',
    '| Endpoint | LB | gcsync | gcsync 429 | naive | naive 429 | naive ÷ gcsync | no-op rerun (LB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const routes = new Set<string>([
    ...Object.keys(r.lowerBound),
    ...g.calls.endpoints.map((e) => e.route),
    ...(nv?.calls.endpoints.map((e) => e.route) ?? []),
    ...(noop?.calls.endpoints.map((e) => e.route) ?? []),
  ]);
  for (const route of routes) {
    const lb = r.lowerBound[route];
    const gc = callsOf(g.calls, route);
    const nc = callsOf(nv?.calls, route);
    lines.push(
      `| \`${route}\` | ${lb === undefined ? '–' : n(lb)} | ${n(gc)} | ${n(throttledOf(g.calls, route))} | ` +
        `${nv ? n(nc) : '–'} | ${nv ? n(throttledOf(nv.calls, route)) : '–'} | ${nv ? ratio(nc, gc) : '–'} | ` +
        `${noop ? n(callsOf(noop.calls, route)) : '–'} (${r.noOpLowerBound[route] ?? '–'}) |`,
    );
  }
  lines.push(
    `| **API total** (\`/api/v2/*\`) | **${n(r.lowerBoundTotal)}** | **${n(g.calls.apiCalls)}** | ` +
      `${n(g.calls.throttled)} | ${nv ? `**${n(nv.calls.apiCalls)}**` : '–'} | ${nv ? n(nv.calls.throttled) : '–'} | ` +
      `${nv ? `**${ratio(nv.calls.apiCalls, g.calls.apiCalls)}**` : '–'} | ` +
      `${noop ? n(noop.calls.apiCalls) : '–'} (${n(r.noOpLowerBoundTotal)}) |`,
    '',
    '## Summary',
    '',
    '| Measure | gcsync | naive | naive ÷ gcsync |',
    '|---|---|---|---|',
    `| Result | ${g.status}${g.error ? ` (${g.error})` : ''}: +${n(g.added)} / −${n(g.removed)}, ` +
      `${g.failedGroups} failed groups; converged: ${g.converged ? 'yes' : '**no**'} | ` +
      `${nv ? `${nv.status}${nv.error ? ` (${nv.error})` : ''}: +${n(nv.added)} / −${n(nv.removed)}; converged: ${nv.converged ? 'yes' : '**no**'}` : (r.naiveSkippedReason ?? 'skipped')} | |`,
    `| API calls / LB | ${n(g.calls.apiCalls)} / ${n(r.lowerBoundTotal)} = **${ratio(g.calls.apiCalls, r.lowerBoundTotal)}** | ` +
      `${nv ? `${n(nv.calls.apiCalls)} / ${n(r.lowerBoundTotal)} = ${ratio(nv.calls.apiCalls, r.lowerBoundTotal)}` : '–'} | ` +
      `${nv ? ratio(nv.calls.apiCalls, g.calls.apiCalls) : '–'} |`,
    `| Wall | **${s(g.wallMs)}** | ${nv ? s(nv.wallMs) : '–'} | ${nv ? `**${ratio(nv.wallMs, g.wallMs)}**` : '–'} |`,
    `| Rate floor LB/R | ${r.rateFloorSeconds === undefined ? 'unthrottled' : `${r.rateFloorSeconds.toFixed(1)} s; wall ÷ floor = ${ratio(g.wallMs / 1000, r.rateFloorSeconds)}`} | ` +
      `${nv && r.rateFloorSeconds !== undefined ? `wall ÷ floor = ${ratio(nv.wallMs / 1000, r.rateFloorSeconds)}` : '–'} | |`,
    `| 429 answers | ${n(g.calls.throttled)} | ${nv ? `${n(nv.calls.throttled)} (slept 2 s on each)` : '–'} | |`,
    `| Peak RSS (VmHWM) | worker ${mib(r.worker.peakRssBytes)} (after the first run: ${mib(r.worker.peakRssAfterFirstRunBytes)}) | ` +
      `${nv ? mib(nv.peakRssBytes) : '–'} | |`,
    `| History: parent events | ${r.history ? n(r.history.parentEvents) : (r.historyError ?? 'n/a')} | | |`,
    `| History: children, largest child events | ${r.history ? `${r.history.children}, ${n(r.history.largestChildEvents)}` : 'n/a'} | | |`,
    `| Largest payload (any event, any execution) | ${r.history?.largestPayload ? `${kb(r.history.largestPayload.bytes)}: ${siteShort(r.history.largestPayload)}` : 'n/a'} | | |`,
    `| Activity time (scheduled → completed, summed) | ${r.history ? activityTimes(r.history.activityMs) : 'n/a'} | | |`,
    `| OAuth tokens the worker obtained | ${r.worker.tokensIssued}${a.clients > 1 && r.worker.tokensIssued < a.clients ? ` (**fewer than the ${a.clients} clients given: no token pool in use**)` : ''} | | |`,
    `| TMPRL1104 in the worker log | ${r.worker.tmprl1104} | | |`,
    `| No-op rerun | ${noop ? `${noop.status}: ${n(noop.calls.apiCalls)} API calls (LB ${n(r.noOpLowerBoundTotal)}), ${s(noop.wallMs)}` : 'n/a'} | | |`,
    '',
    'LB (issue 9) = ⌈users/500⌉ + ⌈groups/500⌉ + one `/individuals` per target group + Σ per changed group ' +
      "(⌈adds/50⌉ + ⌈removes/50⌉). The no-op rerun's LB is the same without writes. Wall: gcsync = start of the " +
      'workflow to its result (worker already polling); naive = login to last write, inside the script. Calls are ' +
      "the emulator's call log (`/__emulator/calls`), reset before each run; token requests are listed but not in the " +
      'API total.',
    '',
  );
  return lines.join('\n');
}

function activityTimes(ms: Record<string, number>): string {
  return Object.entries(ms)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([name, t]) => `${name} ${s(t)}`)
    .join(', ');
}

function siteShort(site: PayloadSite): string {
  const where = site.workflowId.includes('/apply-') ? 'child' : 'parent';
  return `${where} ${site.eventType}${site.name ? ` (${site.name})` : ''}`;
}
