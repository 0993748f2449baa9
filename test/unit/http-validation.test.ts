import { createHttpApp } from '../../src/http/app';
import {
  clientThatMustNotBeUsed,
  errorBody,
  memoryLogger,
  serveOnEphemeralPort,
  type TestServer,
} from './http-test-server';

const TOKEN = 't0ken';

async function startApp(defaultRulesRef?: string): Promise<TestServer> {
  const app = createHttpApp({
    client: clientThatMustNotBeUsed(),
    taskQueue: 'gcsync',
    apiToken: TOKEN,
    defaultRulesRef,
    logger: memoryLogger().logger,
    bodyLimit: '2kb',
  });
  return serveOnEphemeralPort(app);
}

function post(server: TestServer, path: string, body: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });
}

describe('request validation (400 {error, issues:[{path, message}]})', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startApp('/etc/gcsync/rules.yaml')));
  afterAll(() => server.close());

  it('lists every field error of a reconcile request with its path', async () => {
    const res = await post(
      server,
      '/api/reconcile-groups',
      JSON.stringify({
        targetGroups: ['ok', ''],
        mode: 'destroy',
        overrides: { maxRemovals: -1, maxRemovalRatio: 2, approvalTimeout: '1.5h', concurrency: 0 },
        targetGroup: ['typo'],
      }),
    );
    expect(res.status).toBe(400);
    const body = await errorBody(res);
    expect(body.error).toBe('invalid request');
    const paths = (body.issues ?? []).map((i) => i.path).sort();
    expect(paths).toEqual([
      'mode',
      'overrides.approvalTimeout',
      'overrides.concurrency',
      'overrides.maxRemovalRatio',
      'overrides.maxRemovals',
      'targetGroup',
      'targetGroups.1',
    ]);
    expect(body.issues).toContainEqual({ path: 'targetGroup', message: 'unknown field' });
    expect(body.issues).toContainEqual({ path: 'targetGroups.1', message: 'must not be empty' });
    expect(body.issues).toContainEqual({
      path: 'overrides.approvalTimeout',
      message: 'must be a duration longer than zero, like 90s, 15m, 24h or 1h30m',
    });
  });

  it('refuses rules and rulesRef together', async () => {
    const res = await post(server, '/api/reconcile-groups', JSON.stringify({ rules: 'version: 1', rulesRef: '/x' }));
    expect(res.status).toBe(400);
    expect((await errorBody(res)).issues).toEqual([{ path: 'rulesRef', message: 'give rules or rulesRef, not both' }]);
  });

  it('refuses a body that is not an object', async () => {
    const res = await post(server, '/api/reconcile-groups', JSON.stringify(['Support Tier 1']));
    expect(res.status).toBe(400);
    expect((await errorBody(res)).issues?.[0].path).toBe('(body)');
  });

  it('answers 400 for malformed JSON and 413 for a body over the limit, without a stack trace', async () => {
    const malformed = await post(server, '/api/reconcile-groups', '{"targetGroups": [');
    expect(malformed.status).toBe(400);
    expect(await errorBody(malformed)).toEqual({ error: 'invalid JSON body' });

    const large = await post(server, '/api/reconcile-groups', JSON.stringify({ rules: 'x'.repeat(5000) }));
    expect(large.status).toBe(413);
    const text = await large.text();
    expect(JSON.parse(text).error).toMatch(/too large/i);
    expect(text).not.toMatch(/at .*\.js:\d+/);
  });

  it('validates approve and reject bodies (the Web UI signal object)', async () => {
    const approve = await post(server, '/api/reconciliations/w1/approve', JSON.stringify({ by: 'alice' }));
    expect(approve.status).toBe(400);
    expect((await errorBody(approve)).issues).toEqual([
      { path: 'planDigest', message: 'Invalid input: expected string, received undefined' },
    ]);

    const reject = await post(server, '/api/reconciliations/w1/reject', JSON.stringify({ by: ' ', reason: 'x' }));
    expect(reject.status).toBe(400);
    expect((await errorBody(reject)).issues).toEqual([{ path: 'by', message: 'must not be empty' }]);
  });
});

describe('tutorial body without a server default', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startApp(undefined)));
  afterAll(() => server.close());

  it('asks for rules when the server has no GCSYNC_RULES_FILE', async () => {
    const res = await post(server, '/api/reconcile-groups', JSON.stringify({ targetGroups: ['Support Tier 1'] }));
    expect(res.status).toBe(400);
    expect(await errorBody(res)).toEqual({
      error: 'invalid request',
      issues: [
        { path: 'rulesRef', message: 'give rules or rulesRef: this server has no default rules (GCSYNC_RULES_FILE)' },
      ],
    });
  });
});

describe('unknown errors', () => {
  it('answer 500 {error} without a stack, and are logged server-side without the token', async () => {
    const log = memoryLogger();
    const app = createHttpApp({
      client: clientThatMustNotBeUsed(),
      taskQueue: 'gcsync',
      apiToken: TOKEN,
      defaultRulesRef: '/etc/gcsync/rules.yaml',
      logger: log.logger,
    });
    const server = await serveOnEphemeralPort(app);
    try {
      // A valid request reaches the (unusable) client, which throws an error the app does not know.
      const res = await post(server, '/api/reconcile-groups', JSON.stringify({ targetGroups: ['Support Tier 1'] }));
      expect(res.status).toBe(500);
      const body = await errorBody(res);
      expect(body).toEqual({ error: 'the Temporal client was used (workflow)' });
      const logged = JSON.parse(log.lines().trim().split('\n').at(-1)!);
      expect(logged).toMatchObject({ level: 50, method: 'POST', path: '/api/reconcile-groups', msg: 'request failed' });
      expect(logged.err.stack).toContain('Error: the Temporal client was used');
      expect(log.lines()).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });
});
