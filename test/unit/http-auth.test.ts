import { createHttpApp } from '../../src/http/app';
import { tokensMatch } from '../../src/http/auth';
import {
  clientThatMustNotBeUsed,
  errorBody,
  memoryLogger,
  serveOnEphemeralPort,
  type TestServer,
} from './http-test-server';

const TOKEN = 'correct-horse-battery-staple';

describe('tokensMatch (constant-time compare of hashed tokens)', () => {
  it('matches only the identical token', () => {
    expect(tokensMatch(TOKEN, TOKEN)).toBe(true);
    expect(tokensMatch(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokensMatch(TOKEN.toUpperCase(), TOKEN)).toBe(false);
  });

  it('compares tokens of different lengths without throwing (both are hashed first)', () => {
    expect(tokensMatch('a', TOKEN)).toBe(false);
    expect(tokensMatch('', TOKEN)).toBe(false);
    expect(tokensMatch('x'.repeat(10_000), TOKEN)).toBe(false);
  });
});

describe('bearer auth on /api/*', () => {
  let server: TestServer;
  const log = memoryLogger();

  beforeAll(async () => {
    const app = createHttpApp({
      client: clientThatMustNotBeUsed(),
      taskQueue: 'gcsync',
      apiToken: TOKEN,
      defaultRulesRef: '/etc/gcsync/rules.yaml',
      logger: log.logger,
    });
    server = await serveOnEphemeralPort(app);
  });
  afterAll(() => server.close());

  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ targetGroups: ['Support Tier 1'] }),
    });

  it('answers 401 JSON without a token, with a Bearer challenge', async () => {
    const res = await post('/api/reconcile-groups', {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gcsync"');
    expect(await errorBody(res)).toEqual({ error: 'missing bearer token' });
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN}-not`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 5)}`],
    ['the token without the Bearer scheme', TOKEN],
    ['Basic auth', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`],
  ])('answers 401 for %s', async (_case, authorization) => {
    const res = await post('/api/reconcile-groups', { authorization });
    expect(res.status).toBe(401);
    expect((await errorBody(res)).error).toMatch(/bearer token/);
  });

  it('protects every /api route, including unknown ones', async () => {
    for (const [method, path] of [
      ['GET', '/api/reconciliations/x'],
      ['POST', '/api/reconciliations/x/approve'],
      ['POST', '/api/reconciliations/x/reject'],
      ['GET', '/api/nothing-here'],
    ]) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect(res.status).toBe(401);
    }
  });

  it('lets a correct token through to validation (scheme is case-insensitive)', async () => {
    const res = await fetch(`${server.url}/api/reconcile-groups`, {
      method: 'POST',
      headers: { authorization: `bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targetGroups: [] }),
    });
    expect(res.status).toBe(400);
  });

  it('never writes the token to the log', async () => {
    await post('/api/reconcile-groups', { authorization: `Bearer ${TOKEN}x` });
    expect(log.lines()).not.toContain(TOKEN);
  });

  it('refuses to build an app without a token', () => {
    expect(() => createHttpApp({ client: clientThatMustNotBeUsed(), taskQueue: 'gcsync', apiToken: '' })).toThrow(
      /GCSYNC_API_TOKEN/,
    );
  });
});
