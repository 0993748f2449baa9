/**
 * The operator path of docs/operator-approval.md, end to end in a real browser: a run waits for approval; in the
 * Temporal Web UI the operator finds it by the `GcsyncAwaitingApproval` search attribute, opens it, reads the plan on
 * the run page (User Metadata: the start summary and the current details — changed groups with their + and − counts,
 * the plan digest and the signal input to send), and sends the `approve` signal with the digest read there through
 * "Send a Signal"; the run applies and the audit log names the operator.
 *
 * Selectors are the ones the Web UI's own end-to-end tests use (roles, visible labels, `data-testid`s), explored
 * against Web UI 2.42.1 as embedded in Temporal CLI 1.5.1; none depends on CSS classes or layout.
 */
import { existsSync } from 'node:fs';
import type { FrameLocator, Page } from 'playwright-core';
import { getFullPlan, startReconciliation } from '../../src/client/reconciliation-client';
import { statusQuery, type ApproveSignal } from '../../workflows/messages';
import { launchBrowser, withFailureScreenshot, type TestBrowser } from '../support/browser';
import { expectedMembers, rulesFor } from '../support/org-rules';
import { waitFor, type Reconciler } from '../support/reconciler';
import { useReconcilerStack } from '../support/reconciler-stack';
import type { TestTemporal } from '../support/temporal';

/** The visibility query an operator types in the Workflows list (docs/operator-approval.md). */
const AWAITING_APPROVAL_QUERY = 'GcsyncAwaitingApproval = true';
const OPERATOR = 'ops-oncall@example.com';
const REQUESTED_BY = 'webui-test';
// Long enough for a cold page load on a busy 2-core machine, short enough that a broken selector fails the test
// well inside Jest's timeout, with a screenshot.
const UI_TIMEOUT_MS = 30_000;

let temporal: TestTemporal;
let rec: Reconciler;
let browser: TestBrowser | undefined;

const stack = useReconcilerStack({ temporal: { ui: true }, emulator: { users: 200, groups: 4, seed: 5 } });
beforeAll(() => ({ temporal, rec } = stack()));
afterAll(async () => {
  await browser?.close(); // only does work when the test failed before closing it
});

it('an operator finds the waiting run by search attribute in the Web UI, approves it there, and the run applies', async () => {
  const uiUrl = temporal.server?.uiUrl;
  if (!uiUrl) throw new Error('the dev server was started without its Web UI');
  // Any removal needs approval, and every seeded group has members to remove.
  const policy = ['requireApproval: auto', 'maxRemovals: 0', 'maxRemovalRatio: 1', 'approvalTimeout: 1h'];
  const rules = rulesFor(rec.emulator, { policy: policy.join('\n  ') });
  const suffix = Date.now().toString(36);

  // A finished dry run of the same rules, so the list has a run the query must leave out.
  const dryRun = await rec.start({ mode: 'plan', rules }, `webui-dry-run-${suffix}`);
  expect((await dryRun.result()).status).toBe('planned');

  // Started by the typed client, as the CLI and the HTTP service do: the run carries its start summary.
  const started = await startReconciliation(
    temporal.client,
    { mode: 'apply', rules, requestedBy: REQUESTED_BY },
    { workflowId: `webui-approval-${suffix}`, taskQueue: rec.taskQueue },
  );
  const handle = temporal.client.workflow.getHandle(started.workflowId);
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
    60_000,
  );
  expect(status.phase).toBe('awaiting-approval');
  const planDigest = status.planDigest!;
  expect(planDigest).toMatch(/^[0-9a-f]{64}$/);
  // The query answers from workflow state; the search attribute reaches visibility a moment later.
  await waitFor(
    () => workflowIds(AWAITING_APPROVAL_QUERY),
    (ids) => ids.includes(handle.workflowId),
  );

  // What the run page must show: every changed group with its counts, from the `plan` query.
  const changed = (await getFullPlan(temporal.client, handle.workflowId)).groups
    .filter((g) => g.adds + g.removes > 0)
    .map((g) => ({ group: g.groupName, adds: g.adds, removes: g.removes }));
  expect(changed.length).toBeGreaterThan(1);

  browser = await launchBrowser({ timeoutMs: UI_TIMEOUT_MS });
  const { page } = browser;
  await withFailureScreenshot(page, 'webui-approval', async () => {
    await openFromAwaitingApprovalList(page, uiUrl, handle.workflowId, dryRun.workflowId);
    const runPage = await readRunPage(page);
    expect(runPage.summary).toBe(`gcsync apply · all groups in the rules · by ${REQUESTED_BY}`);
    expect(runPage.digest).toBe(planDigest);
    expect(runPage.groups).toEqual(changed);
    // The operator sends what the page says to send, with their own name and a comment.
    expect(runPage.signalInput).toMatchObject({ planDigest });
    await sendSignal(page, 'approve', { ...runPage.signalInput, by: OPERATOR, comment: 'approved in the Web UI' });
  });
  // The UI needs nothing beyond its own server; the browser helper aborted (and listed) anything else.
  expect(browser.blockedRequests).toEqual([]);
  // Closed before the run finishes: Chromium's CPU is better spent on the apply on a 2-core machine.
  // processIds() reads /proc; where it can see the browser, make sure the "all gone" check is not vacuous.
  if (process.platform === 'linux') expect(browser.processIds().length).toBeGreaterThan(0);
  expect(await browser.close()).toEqual([]); // [] = every Chromium process exited by itself, none was killed
  expect(browser.processIds()).toEqual([]);
  expect(existsSync(browser.userDataDir)).toBe(false);

  const result = await handle.result();
  expect(result.status).toBe('completed');
  expect(result.planDigest).toBe(planDigest);
  for (const [groupId, want] of expectedMembers(rec.emulator)) {
    expect(rec.emulator.state.groupMembers(groupId).slice().sort()).toEqual(want);
  }
  const entries = (await rec.auditEntries()).filter((e) => e.workflowId === handle.workflowId);
  expect(entries.find((e) => e.type === 'approval.granted')).toMatchObject({
    actor: OPERATOR,
    planDigest,
    comment: 'approved in the Web UI',
  });
  expect(entries.some((e) => e.type === 'approval.refused')).toBe(false);
});

/** What the run page shows while the run waits for approval. */
interface RunPageReading {
  /** The start summary (User Metadata → Summary). */
  summary: string;
  /** The digest under "Plan digest". */
  digest: string;
  /** The changed-groups table: name, + and − counts. */
  groups: { group: string; adds: number; removes: number }[];
  /** The JSON the page says to send as the `approve` signal's input. */
  signalInput: ApproveSignal;
}

/**
 * Reads the open run's page: the User Metadata tab shows the start summary and the current details (the run's
 * markdown, which the UI renders in a frame of its own).
 */
async function readRunPage(page: Page): Promise<RunPageReading> {
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  // The summary and the current details are each markdown, rendered by the UI in a frame of its own.
  const rendered = page.locator('iframe[src*="/render"]');
  const summaryFrame: FrameLocator = rendered.first().contentFrame();
  const details: FrameLocator = rendered.last().contentFrame();
  await details.getByRole('heading', { name: /waiting for approval/ }).waitFor();
  const summary = (await summaryFrame.locator('body').innerText()).trim();
  const digest = await details.locator('p', { hasText: 'Plan digest:' }).locator('code').innerText();
  const rows = details.getByRole('table').locator('tbody tr');
  const groups: RunPageReading['groups'] = [];
  for (const row of await rows.all()) {
    const [group, , plus, minus] = await row.locator('td').allInnerTexts();
    groups.push({ group: group.trim(), adds: count(plus, '+'), removes: count(minus, '−') });
  }
  const signal = details.locator('pre').filter({ hasText: '"planDigest"' }).filter({ hasNotText: 'curl' });
  const signalInput = JSON.parse(await signal.innerText()) as ApproveSignal;
  return { summary, digest: digest.trim(), groups, signalInput };
}

/** `+12` / `−3` as shown in the table, or a failure naming what was there. */
function count(cell: string, sign: '+' | '−'): number {
  const text = cell.trim();
  const digits = text.slice(sign.length);
  if (!text.startsWith(sign) || !/^\d+$/.test(digits)) {
    throw new Error(`expected a ${sign} count in the plan table, found ${JSON.stringify(cell)}`);
  }
  return Number(digits);
}

/** Workflow ids matching a visibility query, as the Web UI's list would show them. */
async function workflowIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of temporal.client.workflow.list({ query })) ids.push(info.workflowId);
  return ids;
}

/**
 * Opens the Workflows list filtered by {@link AWAITING_APPROVAL_QUERY} (the query travels in the URL, exactly as
 * the list's own query editor puts it there), checks `absentId` is filtered out, and opens the run `workflowId`.
 */
async function openFromAwaitingApprovalList(
  page: Page,
  uiUrl: string,
  workflowId: string,
  absentId: string,
): Promise<void> {
  const namespace = encodeURIComponent(temporal.namespace);
  await page.goto(`${uiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(AWAITING_APPROVAL_QUERY)}`);
  const rows = page.getByTestId('workflows-summary-configurable-table-row');
  const row = rows.filter({ hasText: workflowId });
  await row.waitFor();
  expect(await rows.filter({ hasText: absentId }).count()).toBe(0);
  await row.getByRole('link', { name: workflowId, exact: true }).click();
  await page.getByTestId('workflow-id-heading').filter({ hasText: workflowId }).waitFor();
}

/**
 * Sends `signal` with `payload` through the run page's More Actions → "Send a Signal" form, and waits for the UI
 * to confirm. Fails, rather than sending something else, if the form does not hold exactly what was meant.
 */
async function sendSignal(page: Page, signal: string, payload: object): Promise<void> {
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Send a Signal' }).click();
  // The page keeps a second, hidden copy of every modal; the role query only sees the open one.
  const form = page.getByRole('dialog', { name: 'Send a Signal' });

  // The UI lists the signals the worker declares (from a query to the run); when that query has not answered, it
  // shows a free-text name field instead, which is what an operator would then type into.
  const picker = form.getByTestId('signal-select-button');
  const typedName = form.getByTestId('signal-name');
  await picker.or(typedName).waitFor();
  if (await picker.isVisible()) {
    await picker.click();
    await form.getByRole('option', { name: signal, exact: true }).click();
    expect(await form.getByTestId('signal-select').inputValue()).toBe(signal);
  } else {
    await typedName.fill(signal);
    expect(await typedName.inputValue()).toBe(signal);
  }

  // A CodeMirror editor: fill() replaces its text in one input event, so no bracket or quote is auto-closed.
  const editor = form.locator('[role="textbox"][data-language="json"]');
  await editor.fill(JSON.stringify(payload));
  // The editor re-indents its JSON on blur. Blurring here, not through the Submit click, keeps that reflow from
  // moving the button between mouse-down and mouse-up (which would swallow the click).
  await editor.blur();
  expect(JSON.parse(await editor.innerText())).toEqual(payload);
  await form.getByRole('radio', { name: 'json/plain' }).check();

  await form.getByRole('button', { name: 'Submit' }).click();
  const sent = page.getByRole('log').getByText('Workflow signaled.');
  await sent.waitFor().catch(async (err: Error) => {
    const alert = await form
      .getByRole('alert')
      .innerText({ timeout: 1000 })
      .catch(() => '');
    throw new Error(`the UI did not confirm the signal${alert ? `; the form says: ${alert}` : ''}`, { cause: err });
  });
  await form.waitFor({ state: 'hidden' });
}
