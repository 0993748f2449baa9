/**
 * Emulator edge cases the SDK cannot express or hides (raw HTTP on loopback): malformed requests, headers on
 * every answer, DELETE under a concurrent edit, token-endpoint faults, control-API access, behaviour options.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningEmulator, EMULATOR_DEFAULTS, startEmulator } from '../../src/emulator';
import { EmulatorControl } from '../support/emulator-control';
import { loggedInSdk } from '../support/emulator-sdk';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

const BASIC =
  'Basic ' + Buffer.from(`${EMULATOR_DEFAULTS.clientId}:${EMULATOR_DEFAULTS.clientSecret}`).toString('base64');

async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: opts.body });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Polls `done` every 10 ms; fails after `timeoutMs`. */
async function waitUntil(done: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

function expectStandardHeaders(a: Answer): void {
  expect(a.headers.get('inin-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(a.headers.get('inin-ratelimit-count')).toMatch(/^\d+$/);
  expect(a.headers.get('inin-ratelimit-allowed')).toMatch(/^\d+$/);
  expect(a.headers.get('inin-ratelimit-reset')).toMatch(/^\d+$/);
}

describe('Genesys emulator over raw HTTP', () => {
  let emu: RunningEmulator;
  let control: EmulatorControl;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true, users: 120, groups: 4, inactiveUsers: 7 });
    control = new EmulatorControl(emu.url);
    token = await control.issueToken();
  });

  beforeEach(async () => {
    await control.reset();
  });

  afterAll(async () => {
    await emu.close();
  });

  it('puts correlation and rate-limit headers on every answer, errors included', async () => {
    expectStandardHeaders(await call(emu.url, 'GET', '/api/v2/groups', { token }));
    const unauth = await call(emu.url, 'GET', '/api/v2/groups');
    expect(unauth.status).toBe(401);
    expectStandardHeaders(unauth);
    expect(unauth.json?.contextId).toBe(unauth.headers.get('inin-correlation-id'));
    const login = await call(emu.url, 'POST', '/oauth/token', {
      body: 'grant_type=client_credentials',
      headers: { Authorization: BASIC, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(login.status).toBe(200);
    expect(login.json).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 86399 });
    expectStandardHeaders(login);
  });

  it('does not count a write whose client vanished mid-request as in flight forever', async () => {
    const group = emu.state.listGroups()[0];
    await control.faults({ latencyMs: 300 });
    const body = JSON.stringify({ memberIds: [emu.state.listUsers()[0].id], version: group.version });
    const { hostname, port } = new URL(emu.url);
    // A worker killed while its request waits in the emulator: the whole request was sent, then the socket died.
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/v2/groups/${group.id}/members HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await waitUntil(() => emu.state.requestsInFlight === 1);
    socket.destroy();
    await waitUntil(() => emu.state.requestsInFlight === 0, 5_000);
  });

  it('answers unknown routes with 404 not.found', async () => {
    const api = await call(emu.url, 'GET', '/api/v2/nothing/here', { token });
    expect(api.status).toBe(404);
    expect(api.json).toMatchObject({ code: 'not.found', status: 404 });
    expect((await call(emu.url, 'GET', '/elsewhere')).status).toBe(404);
    expect((await call(emu.url, 'PUT', '/api/v2/groups', { token })).status).toBe(404);
    expect((await call(emu.url, 'GET', '/api/v2/groups/%E0%A4%A', { token })).status).toBe(404);
  });

  it('refuses a token request without the client_credentials grant', async () => {
    const res = await call(emu.url, 'POST', '/oauth/token', {
      body: 'grant_type=password',
      headers: { Authorization: BASIC, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('injects 429s on the token endpoint when the burst targets it', async () => {
    await control.faults({ rateLimitBurst: { count: 1, retryAfterSeconds: 2, pathPrefix: '/oauth/token' } });
    const res = await call(emu.url, 'POST', '/oauth/token', {
      body: 'grant_type=client_credentials',
      headers: { Authorization: BASIC, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await call(emu.url, 'GET', '/api/v2/groups', { token })).status).toBe(200);
  });

  it('validates member-write requests', async () => {
    const [g] = (await control.state()).groups;
    const path = `/api/v2/groups/${g.id}/members`;
    const noIds = await call(emu.url, 'DELETE', path, { token });
    expect(noIds).toMatchObject({ status: 400, json: expect.objectContaining({ code: 'bad.request' }) });
    expect((await call(emu.url, 'DELETE', `${path}?ids=`, { token })).status).toBe(400);
    expect((await call(emu.url, 'POST', path, { token, body: '{not json' })).status).toBe(400);
    expect((await call(emu.url, 'POST', path, { token, body: '[]' })).status).toBe(400);
    const wrongType = await call(emu.url, 'POST', path, {
      token,
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(wrongType).toMatchObject({ status: 415, json: expect.objectContaining({ code: 'unsupported.media.type' }) });
    const huge = JSON.stringify({ memberIds: ['x'.repeat(600_000)], version: g.version });
    expect((await call(emu.url, 'POST', path, { token, body: huge })).status).toBe(413);
    const badVersion = JSON.stringify({ memberIds: [g.members![0]], version: '3' });
    expect((await call(emu.url, 'POST', path, { token, body: badVersion })).status).toBe(400);
    expect((await control.group(g.id))?.version).toBe(g.version);
  });

  it('answers a DELETE that races a concurrent edit with 409, then accepts the retry', async () => {
    const [g] = (await control.state()).groups;
    await control.faults({ concurrentEdit: { groupId: g.id, removeUserIds: [g.members![1]], onNextWrite: true } });
    const path = `/api/v2/groups/${g.id}/members?ids=${g.members![0]}`;
    const first = await call(emu.url, 'DELETE', path, { token });
    expect(first).toMatchObject({ status: 409, json: expect.objectContaining({ code: 'general.conflict' }) });
    const retry = await call(emu.url, 'DELETE', path, { token });
    expect(retry.status).toBe(202);
    expect(retry.text).toBe('');
    const after = await control.group(g.id);
    expect(after?.version).toBe(g.version + 2);
    expect(after?.members).not.toContain(g.members![0]);
  });

  it('logs refused writes too, with their group and status', async () => {
    const [g] = (await control.state()).groups;
    await call(emu.url, 'DELETE', `/api/v2/groups/${g.id}/members?ids=${g.members![0]}`);
    await call(emu.url, 'DELETE', `/api/v2/groups/${g.id}/members?ids=${g.members![0]}`, { token });
    const calls = await control.calls();
    expect(calls.statuses['DELETE /api/v2/groups/{id}/members']).toEqual({ '401': 1, '202': 1 });
    expect(calls.writes.map((w) => [w.groupId, w.status, w.userIds])).toEqual([
      [g.id, 401, []],
      [g.id, 202, [g.members![0]]],
    ]);
    expect(calls.writes[1]).toMatchObject({ versionBefore: g.version, versionAfter: g.version + 1 });
  });

  it('lists inactive users only when asked and sorts descending on request', async () => {
    const active = await call(emu.url, 'GET', '/api/v2/users?pageSize=500', { token });
    expect(active.json?.total).toBe(120);
    const inactive = await call(emu.url, 'GET', '/api/v2/users?state=inactive', { token });
    expect(inactive.json?.total).toBe(7);
    const any = await call(emu.url, 'GET', '/api/v2/users?state=any&pageSize=1&sortOrder=descending', { token });
    expect(any.json?.total).toBe(127);
    expect(any.json?.nextUri).toBe('/api/v2/users?pageSize=1&pageNumber=2&sortOrder=descending&state=any');
    expect((any.json?.entities as { state: string }[])[0].state).toBe('inactive');
    expect((await call(emu.url, 'GET', '/api/v2/users?state=gone', { token })).status).toBe(400);
  });

  it('serves the control API without bearer auth and refuses unknown control paths', async () => {
    expect((await call(emu.url, 'GET', '/__emulator/state')).status).toBe(200);
    expect((await call(emu.url, 'GET', '/__emulator/nope')).status).toBe(404);
  });

  it('honours the behaviour options for missing versions and write bodies', async () => {
    const lenient = await startEmulator({
      quiet: true,
      users: 20,
      groups: 1,
      missingVersion: 'current',
      writeResponseBody: 'object',
      noopWritesBumpVersion: true,
    });
    try {
      const sdk = await loggedInSdk(lenient.url, EMULATOR_DEFAULTS.clientId, EMULATOR_DEFAULTS.clientSecret);
      const group = lenient.state.listGroups()[0];
      const member = [...group.members][0];
      const v = group.version;
      await expect(sdk.groups.postGroupMembers(group.id, { memberIds: [member] })).resolves.toEqual({});
      expect(group.version).toBe(v + 1);
    } finally {
      await lenient.close();
    }
  });
});
