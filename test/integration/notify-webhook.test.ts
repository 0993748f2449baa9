/**
 * Run notifications with a real worker and a webhook on 127.0.0.1: the worker's `GCSYNC_NOTIFY_URL` carries a token
 * in its path (like a Slack webhook). A run that needs approval posts the approve command; a plan-only run that finds
 * drift posts the drift; an applied run in which a group fails posts `run-failed`; neither the token nor the URL reaches
 * the run's history or the audit log. With the webhook down, the run still ends as it would have, with `notify.failed`
 * audited.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approve, getStatus, reject } from '../../src/client/reconciliation-client';
import type { NotificationDocument } from '../../src/core/notification';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ruledGroups, rulesFor } from '../support/org-rules';
import { startReconciler, waitFor, type Reconciler } from '../support/reconciler';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

const TOKEN = 'T0000/B0000/notify-test-token-not-real';

interface Received {
  path: string;
  contentType: string | undefined;
  body: NotificationDocument;
}

let temporal: TestTemporal;
let rec: Reconciler;
let webhook: Server;
let dir: string;
let rulesFile: string;
const received: Received[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  webhook = createServer((req, res) => {
    void readBody(req).then((text) => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(text) as NotificationDocument,
      });
      res.writeHead(200).end('ok');
    });
  });
  webhook.listen(0, '127.0.0.1');
  await once(webhook, 'listening');
  const port = (webhook.address() as AddressInfo).port;

  temporal = await startTestTemporal({ searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES } });
  rec = await startReconciler(temporal, {
    emulator: { users: 200, groups: 4, seed: 41 },
    env: {
      GCSYNC_NOTIFY_URL: `http://127.0.0.1:${port}/hooks/${TOKEN}`,
      GCSYNC_WEB_UI_URL: 'http://127.0.0.1:8233',
      GCSYNC_PUBLIC_API_URL: 'https://gcsync.example.com',
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'gcsync-notify-'));
  rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rulesFor(rec.emulator, { policy: 'requireApproval: always' }));
});
afterAll(async () => {
  await rec?.stop();
  await temporal?.stop();
  if (webhook?.listening) webhook.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Everything the run left in Temporal (history) and in the audit log, as text. */
async function traces(workflowId: string): Promise<string> {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(history) + JSON.stringify(await rec.auditEntries());
}

describe('webhook notifications', () => {
  it('a run that needs approval posts the exact approve command, the HTTP request and the Web UI link', async () => {
    const handle = await rec.start({ mode: 'apply', rulesRef: rulesFile, requestedBy: 'notify-test' });
    const got = await waitFor(
      async () => received.find((r) => r.body.run.workflowId === handle.workflowId),
      (r) => r !== undefined,
      120_000,
    );
    const { body } = got!;
    expect(got!.path).toBe(`/hooks/${TOKEN}`);
    expect(got!.contentType).toMatch(/^application\/json/);
    const digest = body.run.planDigest!;
    expect(body).toMatchObject({
      source: 'gcsync',
      event: 'approval-needed',
      run: { workflowId: handle.workflowId, mode: 'apply', namespace: temporal.namespace },
      approve: {
        cli: `gcsync approve ${handle.workflowId} --by <you> --digest ${digest}`,
        http: {
          method: 'POST',
          url: `https://gcsync.example.com/api/reconciliations/${encodeURIComponent(handle.workflowId)}/approve`,
          body: { by: '<you>', planDigest: digest },
        },
        webUi: { signal: 'approve', input: { by: '<you>', planDigest: digest } },
      },
    });
    expect(body.approve!.webUi.url).toContain(`/workflows/${encodeURIComponent(handle.workflowId)}/`);
    expect(body.run.totals!.adds + body.run.totals!.removes).toBeGreaterThan(0);

    await reject(temporal.client, handle.workflowId, { by: 'ops', reason: 'test over' });
    expect((await handle.result()).status).toBe('rejected');
    const text = await traces(handle.workflowId);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('/hooks/');
  });

  it('a plan-only run that finds drift posts it', async () => {
    const handle = await rec.start({ mode: 'plan', rulesRef: rulesFile, requestedBy: 'notify-test' });
    const result = await handle.result();
    expect(result.status).toBe('planned');
    const got = received.find((r) => r.body.run.workflowId === handle.workflowId);
    expect(got?.body).toMatchObject({
      event: 'drift-detected',
      run: { mode: 'plan', planDigest: result.planDigest },
    });
    expect(got!.body.approve).toBeUndefined();
    expect(got!.body.text).toContain('drift found by plan-only run');
  });

  it('an applied run in which a group fails posts run-failed', async () => {
    const refused = ruledGroups(rec.emulator)[0];
    rec.emulator.state.applyFaults({ groupStatus: { groupId: refused.id, status: 403 } });
    const handle = await rec.start({ mode: 'apply', rulesRef: rulesFile, requestedBy: 'notify-test' });
    const waiting = await waitFor(
      () => getStatus(temporal.client, handle.workflowId),
      (s) => s.awaitingApproval,
      120_000,
    );
    await approve(temporal.client, handle.workflowId, { by: 'ops', planDigest: waiting.planDigest! });
    const result = await handle.result();
    rec.emulator.state.clearFaults();
    expect(result).toMatchObject({ status: 'completed', totals: { failedGroups: 1 } });
    const got = received.find((r) => r.body.run.workflowId === handle.workflowId && r.body.event === 'run-failed');
    expect(got?.body.run).toMatchObject({ failedGroups: 1, planDigest: result.planDigest });
    expect(got!.body.text).toMatch(/^gcsync: run \S+ failed: 1 of \d+ changed groups failed$/);
  });

  it('with the webhook down, the run ends as it would have and notify.failed is audited', async () => {
    webhook.close();
    await once(webhook, 'close');
    const before = received.length;

    const handle = await rec.start({ mode: 'plan', rulesRef: rulesFile, requestedBy: 'notify-test' });
    expect((await handle.result()).status).toBe('planned');
    const { runId } = await handle.describe();
    expect(received.length).toBe(before);
    const failed = (await rec.auditEntries()).find((e) => e.type === 'notify.failed' && e.runId === runId);
    expect(failed).toMatchObject({
      kind: 'drift-detected',
      error: expect.stringMatching(/unreachable \(ECONNREFUSED\)/),
    });
    // The failure names the webhook by scheme and host only.
    expect(failed!.error).not.toContain(TOKEN);
    expect(await traces(handle.workflowId)).not.toContain(TOKEN);
  });
});
