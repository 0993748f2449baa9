/**
 * Can the Web UI bundled with Temporal CLI 1.5.1 (Web UI 2.42.1) send the `approvePlan` Update? An operator opens the
 * waiting run, More Actions → "Send an Update", names `approvePlan` and gives the approval; the run validates it,
 * answers, applies, and the audit entry says the decision came by Update. (Signals through "Send a Signal" are
 * test/integration/webui-approval.test.ts.)
 */
import type { Page } from 'playwright-core';
import { statusQuery, type ApproveSignal } from '../../workflows/messages';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { launchBrowser, withFailureScreenshot, type TestBrowser } from '../support/browser';
import { rulesFor } from '../support/org-rules';
import { startReconciler, waitFor, type Reconciler } from '../support/reconciler';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const OPERATOR = 'ops-update@example.com';
const UI_TIMEOUT_MS = 30_000;

let temporal: TestTemporal;
let rec: Reconciler;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  temporal = await startTestTemporal({ ui: true, searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  rec = await startReconciler(temporal, { emulator: { users: 100, groups: 2, seed: 11 } });
});
afterAll(async () => {
  await browser?.close();
  await rec?.stop();
  await temporal?.stop();
});

it('the bundled Web UI sends the approvePlan Update: a wrong digest is refused in the form, the right one applies', async () => {
  const uiUrl = temporal.server?.uiUrl;
  if (!uiUrl) throw new Error('the dev server was started without its Web UI');
  const policy = ['requireApproval: always', 'approvalTimeout: 1h'];
  const handle = await rec.start(
    { mode: 'apply', rules: rulesFor(rec.emulator, { policy: policy.join('\n  ') }) },
    `webui-update-${Date.now().toString(36)}`,
  );
  const status = await waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
    60_000,
  );
  const planDigest = status.planDigest!;

  browser = await launchBrowser({ timeoutMs: UI_TIMEOUT_MS });
  const { page } = browser;
  await withFailureScreenshot(page, 'webui-update', async () => {
    await page.goto(
      `${uiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(handle.workflowId)}`,
    );
    await page.getByTestId('workflow-id-heading').filter({ hasText: handle.workflowId }).waitFor();
    // The validator refuses another digest; the UI shows the run's reason and the run keeps waiting.
    const refused = await sendUpdate(page, 'approvePlan', { by: OPERATOR, planDigest: 'not-the-digest' });
    expect(refused).toContain('is not the digest of the plan awaiting approval');
    const accepted = await sendUpdate(page, 'approvePlan', {
      by: OPERATOR,
      planDigest,
      comment: 'by Update in the UI',
    });
    expect(accepted).toBe('ok');
  });
  expect(await browser.close()).toEqual([]);

  expect((await handle.result()).status).toBe('completed');
  const entries = (await rec.auditEntries()).filter((e) => e.workflowId === handle.workflowId);
  expect(entries.find((e) => e.type === 'approval.granted')).toMatchObject({
    actor: OPERATOR,
    planDigest,
    comment: 'by Update in the UI',
    via: 'update',
  });
});

/**
 * Sends an Update through More Actions → "Send an Update"; resolves `ok` when the UI reports success, else the error
 * the form shows.
 */
async function sendUpdate(page: Page, name: string, payload: ApproveSignal): Promise<string> {
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Send an Update' }).click();
  const form = page.getByRole('dialog', { name: 'Send an Update' });
  const picker = form.getByTestId('update-select-button');
  const typedName = form.getByTestId('update-name');
  await picker.or(typedName).waitFor();
  if (await picker.isVisible()) {
    await picker.click();
    await form.getByRole('option', { name, exact: true }).click();
  } else {
    await typedName.fill(name);
  }
  const editor = form.locator('[role="textbox"][data-language="json"]');
  await editor.fill(JSON.stringify(payload));
  await editor.blur();
  expect(JSON.parse(await editor.innerText())).toEqual(payload);
  const plainJson = form.getByRole('radio', { name: 'json/plain' });
  if (await plainJson.isVisible()) await plainJson.check();
  await form.getByRole('button', { name: 'Submit' }).click();
  const success = page.getByRole('log').getByText('Update successful');
  const problem = form.getByRole('alert');
  await success.or(problem).first().waitFor();
  if (await success.isVisible()) {
    await form.waitFor({ state: 'hidden' });
    return 'ok';
  }
  const text = await problem.innerText();
  // The form has two buttons named Cancel: the corner ✕ and the text button under the form.
  await form.getByRole('button', { name: 'Cancel' }).last().click();
  await form.waitFor({ state: 'hidden' });
  return text;
}
