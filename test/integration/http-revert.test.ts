/**
 * `POST /api/reconciliations/:id/revert` against the real workflow: 202 with the run id resolved, the revert run
 * followed through the status resource puts the groups back; a misspelt field is a 400.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { ReconcileResult, RevertTarget } from '../../workflows/messages';
import { createHttpApp } from '../../src/http/app';
import { closeServer, listen } from '../../src/http/server';
import { SALES_GROUP, startReconcileStack, SUPPORT_GROUP, type ReconcileStack } from '../support/operator-stack';
import { waitFor } from '../support/reconciler';

interface ApiBody {
  workflowId: string;
  runId?: string;
  revertOf?: RevertTarget;
  statusUrl: string;
  executionStatus?: string;
  result?: ReconcileResult;
  error?: string;
  issues?: { path: string; message: string }[];
}

const TOKEN = 'it-token';
let stack: ReconcileStack;
let server: Server;
let base: string;

beforeAll(async () => {
  stack = await startReconcileStack();
  const app = createHttpApp({
    client: stack.temporal.client,
    taskQueue: stack.taskQueue,
    apiToken: TOKEN,
    defaultRulesRef: stack.rulesFile,
    logger: pino({ level: 'silent' }),
  });
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (server) await closeServer(server);
  await stack?.stop();
});

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ApiBody };
};
const resultOf = async (statusUrl: string) =>
  (
    await waitFor(
      () => api('GET', statusUrl),
      (r) => r.body.executionStatus === 'COMPLETED',
    )
  ).body.result!;
const membership = () => [stack.membersOf(SUPPORT_GROUP), stack.membersOf(SALES_GROUP)];

it('reverts a run started over HTTP: 202, then the groups are as before the run', async () => {
  const before = membership();
  const started = await api('POST', '/api/reconcile-groups', {});
  expect(started.status).toBe(202);
  expect((await resultOf(started.body.statusUrl)).status).toBe('completed');
  expect(membership()).not.toEqual(before);

  const revert = await api('POST', `/api/reconciliations/${started.body.workflowId}/revert`, {
    requestedBy: 'ops-bot',
  });
  expect(revert.status).toBe(202);
  expect(revert.body).toMatchObject({
    workflowId: expect.stringMatching(/^gcsync-revert-/),
    revertOf: { workflowId: started.body.workflowId, runId: started.body.runId },
    statusUrl: `/api/reconciliations/${revert.body.workflowId}`,
  });
  const result = await resultOf(revert.body.statusUrl);
  expect(result.status).toBe('completed');
  expect(membership()).toEqual(before);
});

it('answers 400 for a misspelt field, starting nothing', async () => {
  const res = await api('POST', '/api/reconciliations/gcsync-apply-x/revert', { runid: 'r' });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).toContain('runid');
});
