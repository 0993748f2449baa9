/**
 * Every member line of a plan, paged, on the real stack: the workflow's `plan` query hands out where the plan is
 * stored; `GET /api/reconciliations/:id/plan?group=` (HTTP service) and `gcsync plan --full` (CLI) read the lines from
 * the plan store the worker wrote, and together they list exactly the members the rules add.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { startReconciliation, waitForResult } from '../../src/client/reconciliation-client';
import { createHttpApp } from '../../src/http/app';
import { closeServer, listen } from '../../src/http/server';
import { openBlobStore, type BlobStore } from '../../src/store';
import { SALES_GROUP, startReconcileStack, SUPPORT_GROUP, type ReconcileStack } from '../support/operator-stack';
import { runGcsync, stackCliEnv, type CliResult } from '../support/gcsync-cli';

const TOKEN = 'it-plan-token';
let stack: ReconcileStack;
let store: BlobStore;
let server: Server;
let base: string;
let workflowId: string;

beforeAll(async () => {
  stack = await startReconcileStack();
  // The same factory and settings as the worker: the service reads what the worker stored.
  store = await openBlobStore(stack.env);
  const app = createHttpApp({
    client: stack.temporal.client,
    taskQueue: stack.taskQueue,
    apiToken: TOKEN,
    planStore: store,
    logger: pino({ level: 'silent' }),
  });
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = await startReconciliation(
    stack.temporal.client,
    { mode: 'plan', rulesRef: stack.rulesFile, requestedBy: 'it-plan-members' },
    { taskQueue: stack.taskQueue },
  );
  workflowId = run.workflowId;
  expect((await waitForResult(stack.temporal.client, workflowId)).status).toBe('planned');
});
afterAll(async () => {
  if (server) await closeServer(server);
  await store?.close();
  await stack?.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const get = async (path: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: await res.json() };
};
const planUrl = (query: string) => `/api/reconciliations/${encodeURIComponent(workflowId)}/plan${query}`;

describe('GET /api/reconciliations/:id/plan', () => {
  it('without group: a page of group summaries, no store ref', async () => {
    const res = await get(planUrl(''));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      workflowId,
      totalGroups: 2,
      page: 1,
      planDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(res.body.groups.map((g: { groupName: string }) => g.groupName).sort()).toEqual([SALES_GROUP, SUPPORT_GROUP]);
    expect(res.body).not.toHaveProperty('planRef');
  });

  it('with group: pages that together list exactly the members the rules add, each with its reason', async () => {
    const expected = stack.expectedMembers(SUPPORT_GROUP);
    const pageSize = 3;
    const seen: string[] = [];
    const first = await get(planUrl(`?group=${encodeURIComponent(SUPPORT_GROUP)}&pageSize=${pageSize}`));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      workflowId,
      group: { groupName: SUPPORT_GROUP, adds: expected.length, removes: 0 },
      page: 1,
      pageSize,
      total: expected.length,
      pages: Math.ceil(expected.length / pageSize),
    });
    for (let page = 1; page <= first.body.pages; page++) {
      const res = await get(planUrl(`?group=${encodeURIComponent(SUPPORT_GROUP)}&pageSize=${pageSize}&page=${page}`));
      expect(res.body.members.length).toBeLessThanOrEqual(pageSize);
      for (const m of res.body.members) {
        expect(m).toMatchObject({ op: 'add', name: expect.any(String), email: expect.stringContaining('@') });
        expect(m.reason).toContain('department = Support');
        seen.push(m.id);
      }
    }
    expect(seen.sort()).toEqual(expected);
    // By id too, and a page past the end is empty.
    const byId = await get(
      planUrl(`?group=${first.body.group.groupId}&page=${first.body.pages + 1}&pageSize=${pageSize}`),
    );
    expect(byId.body).toMatchObject({ total: expected.length, members: [] });
  });

  it('answers 404 for a group the plan does not change and 400 for a bad page', async () => {
    const unknown = await get(planUrl('?group=Nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/changes no group named or with id "Nobody"/);
    expect((await get(planUrl('?group=x&pageSize=0'))).status).toBe(400);
    expect((await get(planUrl('?group=x&page=-1'))).status).toBe(400);
    expect((await get(planUrl('?groups=x'))).body.error).toMatch(/unknown query parameter groups/);
    expect((await get('/api/reconciliations/gcsync-plan-does-not-exist/plan?group=x')).status).toBe(404);
  });
});

describe('gcsync plan --full', () => {
  const gcsync = (...args: string[]): Promise<CliResult> => runGcsync(args, stackCliEnv(stack));

  it('prints one line per member added, for every changed group, uncoloured when piped', async () => {
    const res = await gcsync('plan', '--rules', stack.rulesFile, '--full');
    expect(res.code).toBe(0);
    for (const group of [SUPPORT_GROUP, SALES_GROUP] as const) {
      const block = res.stdout.split(`~ ${group}: `)[1].split('\n~ ')[0];
      const lines = block.split('\n').filter((l) => l.startsWith('    + '));
      expect(lines).toHaveLength(stack.expectedMembers(group).length);
    }
    expect(res.stdout).not.toContain('more (gcsync plan --full');
    expect(res.stdout).not.toContain('\u001b[');
  });

  it('--json --full: each changed group carries all its members', async () => {
    const res = await gcsync('plan', '--rules', stack.rulesFile, '--full', '--json');
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.stdout) as {
      groups: { groupName: typeof SUPPORT_GROUP; members: { add: { id: string }[] } }[];
    };
    for (const g of plan.groups) {
      expect(g.members.add.map((m) => m.id).sort()).toEqual(stack.expectedMembers(g.groupName));
    }
  });
});
