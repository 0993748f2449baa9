/**
 * The run page: the markdown a `reconcileGroups` run shows as its current details in the Temporal Web UI (answered
 * by the `__temporal_workflow_metadata` query, so the UI renders it without anyone typing a query). Built only from
 * what the workflow already holds — status, plan summaries, outcomes — and bounded in size, because the whole text
 * travels in every metadata query answer.
 */

/** Most changed groups listed in the table; the rest are counted ("… and N more"). */
export const RUN_PAGE_MAX_GROUP_ROWS = 50;
/** Most approval reasons, failsafes or warnings listed each; the rest are counted. */
export const RUN_PAGE_MAX_LIST_ITEMS = 10;
/** Upper bound of the page's UTF-8 size: rows and list items are dropped, halving, until the page fits. */
export const RUN_PAGE_MAX_BYTES = 16_384;
/** Group names longer than this many characters are cut (with `…`) in the table. */
const MAX_NAME_CHARS = 80;
/** Reasons, warnings and the error are cut at this many characters. */
const MAX_LINE_CHARS = 240;

/** One changed group of the plan, as the table shows it. */
export interface RunPageGroup {
  groupId: string;
  groupName: string;
  mode: string;
  adds: number;
  removes: number;
  currentCount: number;
}

/** What a group's apply came to, once known. */
export interface RunPageOutcome {
  added: number;
  removed: number;
  failed: boolean;
  error?: string;
}

/** The facts of a run the page is built from (a `RunStatus` fits). */
export interface RunPageStatus {
  phase: string;
  mode: string;
  startedAt: string;
  planDigest?: string;
  totals?: { groups: number; groupsChanged: number; adds: number; removes: number };
  awaitingApproval: boolean;
  approvalRequired: boolean;
  approvalReasons: readonly string[];
  warnings?: readonly string[];
  failsafesTripped?: readonly string[];
  approvalDeadline?: string;
  approval?: { by: string; at: string; comment?: string };
  rejection?: { by: string; at: string; reason: string };
  refusedApprovals: readonly unknown[];
  progress: { groupsDone: number; groupsTotal: number; added: number; removed: number; failedGroups: number };
  error?: string;
}

/** Input of {@link runPageMarkdown}. */
export interface RunPageInput {
  workflowId: string;
  status: RunPageStatus;
  /** Every group of the plan, in plan order; unchanged groups are skipped. */
  groups: readonly RunPageGroup[];
  /** Outcomes of applied groups by group id. */
  outcomes?: ReadonlyMap<string, RunPageOutcome>;
}

/** What the phase means for someone looking at the run. */
const PHASE_TEXT: Record<string, string> = {
  starting: 'starting',
  snapshot: 'reading users and groups',
  planning: 'computing the plan',
  'awaiting-approval': '**waiting for approval**',
  applying: 'applying the plan',
  completed: 'completed',
  planned: 'planned (dry run, nothing written)',
  'no-changes': 'no changes needed',
  rejected: 'rejected (nothing written)',
  expired: 'approval expired (nothing written)',
  aborted: 'aborted (nothing written)',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped (an earlier run of the schedule is still going)',
  superseded: 'superseded by a newer plan (nothing written)',
  'already-pending': 'the same plan already waits in an earlier run (nothing written)',
};

/**
 * The run page in markdown: phase, totals, why approval is needed (reasons, failsafes, warnings), the table of
 * changed groups (the first {@link RUN_PAGE_MAX_GROUP_ROWS}, then "… and N more"), the plan digest and, while the run
 * waits, exactly how to approve or reject it (CLI, HTTP, Web UI signal). Never larger than {@link RUN_PAGE_MAX_BYTES}.
 */
export function runPageMarkdown(input: RunPageInput): string {
  let rows = RUN_PAGE_MAX_GROUP_ROWS;
  let items = RUN_PAGE_MAX_LIST_ITEMS;
  for (;;) {
    const page = buildPage(input, rows, items);
    if (utf8Length(page) <= RUN_PAGE_MAX_BYTES || (rows === 0 && items === 0)) return page;
    rows = Math.floor(rows / 2);
    items = Math.floor(items / 2);
  }
}

function buildPage(input: RunPageInput, maxRows: number, maxItems: number): string {
  const s = input.status;
  const out: string[] = [];
  out.push(`## gcsync ${s.mode} run: ${PHASE_TEXT[s.phase] ?? escapeText(s.phase)}`);
  out.push('');
  out.push(`Phase ${code(s.phase)} · started ${escapeText(s.startedAt)}`);
  if (s.error) out.push('', `**Error:** ${escapeText(cut(s.error, MAX_LINE_CHARS * 2))}`);
  if (s.rejection) {
    const r = s.rejection;
    out.push(
      '',
      `**Rejected** by ${escapeText(r.by)} at ${escapeText(r.at)}: ${escapeText(cut(r.reason, MAX_LINE_CHARS))}`,
    );
  }
  if (s.approval) {
    const a = s.approval;
    const comment = a.comment ? `: ${escapeText(cut(a.comment, MAX_LINE_CHARS))}` : '';
    out.push('', `**Approved** by ${escapeText(a.by)} at ${escapeText(a.at)}${comment}`);
  }
  if (s.totals) {
    const t = s.totals;
    out.push(
      '',
      `**Plan:** ${t.groupsChanged} of ${t.groups} groups change, **+${t.adds}** to add, **−${t.removes}** to remove`,
    );
  }
  if (s.planDigest) out.push('', `**Plan digest:** ${code(s.planDigest)}`);
  if (s.progress.groupsTotal > 0) {
    const p = s.progress;
    const failed = p.failedGroups ? `, **${p.failedGroups} failed**` : '';
    out.push('', `**Applied:** ${p.groupsDone} of ${p.groupsTotal} groups, +${p.added} −${p.removed}${failed}`);
  }
  out.push(...list('Approval needed because', s.approvalRequired ? s.approvalReasons : [], maxItems));
  out.push(...list('Failsafes tripped', s.failsafesTripped ?? [], maxItems));
  out.push(...list('Warnings', s.warnings ?? [], maxItems));
  if (s.refusedApprovals.length) {
    out.push('', `${s.refusedApprovals.length} approval(s) refused (another plan digest, or nobody named).`);
  }
  out.push(...groupTable(input, maxRows));
  if (s.awaitingApproval && s.planDigest) out.push(...howToDecide(input.workflowId, s.planDigest, s.approvalDeadline));
  return out.join('\n') + '\n';
}

function list(title: string, entries: readonly string[], maxItems: number): string[] {
  if (entries.length === 0) return [];
  const shown = entries.slice(0, maxItems).map((e) => `- ${escapeText(cut(e, MAX_LINE_CHARS))}`);
  const more = entries.length - shown.length;
  return ['', `**${title}:**`, '', ...shown, ...(more > 0 ? [`- … and ${more} more`] : [])];
}

function groupTable(input: RunPageInput, maxRows: number): string[] {
  const changed = input.groups.filter((g) => g.adds + g.removes > 0);
  if (changed.length === 0) return [];
  const withOutcome = input.outcomes !== undefined && input.outcomes.size > 0;
  const header = ['Group', 'Mode', '+ add', '− remove', 'Members now → after'];
  if (withOutcome) header.push('Applied');
  const lines = [
    '',
    `### Changed groups (${changed.length})`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= 2 && i <= 3 ? ' ---: ' : ' --- ')).join('|')}|`,
  ];
  for (const g of changed.slice(0, maxRows)) {
    const cells = [
      escapeCell(cut(g.groupName, MAX_NAME_CHARS)),
      escapeCell(g.mode),
      `+${g.adds}`,
      `−${g.removes}`,
      // What the plan leaves (additive and managed groups keep members the rules do not select; desiredCount is
      // only what the rules select).
      `${g.currentCount} → ${g.currentCount + g.adds - g.removes}`,
    ];
    if (withOutcome) cells.push(outcomeCell(input.outcomes?.get(g.groupId)));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const more = changed.length - Math.min(changed.length, maxRows);
  if (more > 0) lines.push('', `… and ${more} more changed groups (\`gcsync status\`, or the \`plan\` query).`);
  return lines;
}

function outcomeCell(outcome: RunPageOutcome | undefined): string {
  if (!outcome) return '';
  if (outcome.failed) return `**failed**: ${escapeCell(cut(outcome.error ?? 'unknown error', MAX_NAME_CHARS))}`;
  return `+${outcome.added} −${outcome.removed}`;
}

function howToDecide(workflowId: string, digest: string, deadline: string | undefined): string[] {
  const id = shellWord(workflowId);
  const approveBody = JSON.stringify({ by: 'you@example.com', planDigest: digest, comment: 'reviewed the plan' });
  const rejectBody = JSON.stringify({ by: 'you@example.com', reason: 'why' });
  const url = `"$GCSYNC_URL/api/reconciliations/${encodeURIComponent(workflowId)}`;
  return [
    '',
    '### How to approve',
    '',
    `Approve exactly this plan (digest ${code(digest)})${deadline ? ` before ${escapeText(deadline)}` : ''}:`,
    '',
    '- CLI:',
    '',
    ...fenced('sh', `gcsync approve ${id} --by you@example.com --digest ${digest}`),
    '',
    '- HTTP (`gcsync serve`):',
    '',
    ...fenced(
      'sh',
      `curl -s -X POST -H "Authorization: Bearer $GCSYNC_API_TOKEN" -H "Content-Type: application/json" \\\n` +
        `  -d '${approveBody}' ${url}/approve"`,
    ),
    '',
    '- Web UI: **More Actions → Send a Signal**, signal name `approve`, input:',
    '',
    ...fenced('json', approveBody),
    '',
    `To reject: ${code(`gcsync reject ${id} --by you@example.com --reason "why"`)}, or signal \`reject\` with:`,
    '',
    ...fenced('json', rejectBody),
  ];
}

/** A fenced code block whose fence is longer than any backtick run in the text. */
function fenced(lang: string, text: string): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [fence + lang, text, fence];
}

/** The word as the shell reads it: bare when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/:@=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `text` cut to `max` characters (code points), with `…` when cut. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/**
 * Data shown as text, one line, with what could make markdown or HTML of it escaped: emphasis, code, links and
 * images (`[`, `]`), tags (`<`), table cells (`|`), headings, and a list marker at its start.
 */
function escapeText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`)
    .replace(/^[-+]/, (c) => `\\${c}`);
}

/** Data inside a table cell: as {@link escapeText} (which escapes `|`). */
function escapeCell(text: string): string {
  return escapeText(text);
}

/** An inline code span of `text` (one line) whose delimiters outlast any backtick run in it. */
function code(text: string): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  const ticks = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/** UTF-8 length of a string, without Node's Buffer (this file runs inside workflows). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
