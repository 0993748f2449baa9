/**
 * The HTTP service answers 4xx for every client error: malformed percent-encoding, prototype keys, deep bodies,
 * file paths in rulesRef without a rules folder, bad inline rules; it binds loopback unless told otherwise.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { defaultHost } from '../../src/cli/commands/serve';
import { createHttpApp } from '../../src/http/app';
import { checkRequestRulesRef } from '../../src/http/rules-ref';
import { closeServer, listen } from '../../src/http/server';
import {
  clientThatMustNotBeUsed,
  errorBody,
  memoryLogger,
  serveOnEphemeralPort,
  type TestServer,
} from './http-test-server';

const TOKEN = 't0ken';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
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

const post = (path: string, body: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: auth, body });

describe('URLs', () => {
  it.each([
    ['GET', '/api/reconciliations/%E0%A4%A'],
    ['GET', '/api/reconciliations/%'],
    ['POST', '/api/reconciliations/%zz/approve'],
    ['POST', '/api/reconciliations/%C0%AF/reject'],
  ])('%s %s with malformed percent-encoding is a 400', async (method, path) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: auth, body: method === 'POST' ? '{}' : null });
    expect(res.status).toBe(400);
    expect(await errorBody(res)).toEqual({ error: 'malformed percent-encoding in the URL' });
  });

  it('refuses run ids with control characters or over 1000 characters before asking Temporal', async () => {
    for (const id of ['a%00b', 'x%0Ay', 'w'.repeat(1001)]) {
      const res = await fetch(`${server.url}/api/reconciliations/${id}`, { headers: auth });
      expect(res.status).toBe(400);
      expect((await errorBody(res)).error).toMatch(/^invalid run id/);
    }
    expect(log.lines()).not.toContain('"level":50');
  });
});

describe('bodies', () => {
  it.each([
    ['{"__proto__": {"mode": "plan"}}', '__proto__'],
    ['{"targetGroups": ["A"], "overrides": {"__proto__": {"maxRemovals": 1}}}', 'overrides.__proto__'],
    ['{"rules": {"__proto__": {"version": 1}}}', 'rules.__proto__'],
    ['{"rules": {"version": 1, "groups": [{"__proto__": {}, "group": "A"}]}}', 'rules.groups.0.__proto__'],
  ])('refuses prototype keys: %s', async (body, path) => {
    const res = await post('/api/reconcile-groups', body);
    expect(res.status).toBe(400);
    expect((await errorBody(res)).issues).toEqual([{ path, message: 'prototype keys are not allowed' }]);
  });

  it('refuses deep nesting with a 400 (never reaching the recursive serialiser)', async () => {
    const res = await post('/api/reconcile-groups', `{"rules": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
    expect(res.status).toBe(400);
    expect((await errorBody(res)).issues?.[0].message).toBe('nested more than 64 levels');
  });

  it('bounds overrides', async () => {
    const res = await post(
      '/api/reconcile-groups',
      JSON.stringify({ overrides: { maxRemovals: 1e300, approvalTimeout: '31d', activityHeartbeatTimeout: '2h' } }),
    );
    expect(res.status).toBe(400);
    expect((await errorBody(res)).issues).toEqual(
      expect.arrayContaining([
        { path: 'overrides.maxRemovals', message: 'Too big: expected number to be <=10000000' },
        { path: 'overrides.approvalTimeout', message: 'must be at most 30d' },
        { path: 'overrides.activityHeartbeatTimeout', message: 'must be at most 1h' },
      ]),
    );
  });

  it('validates inline rules up front, naming each problem under rules', async () => {
    const rules = 'version: 1\ngroups:\n  - group: A\n    include: {title: "/(a)\\\\1/"}\n';
    const res = await post('/api/reconcile-groups', JSON.stringify({ rules }));
    expect(res.status).toBe(400);
    const body = await errorBody(res);
    expect(body.error).toBe('invalid rules');
    expect(body.issues).toEqual([
      {
        path: 'rules.groups[0].include.title',
        message: expect.stringMatching(/^line 4: unsupported regular expression/),
      },
    ]);
  });

  it('refuses file paths in rulesRef when the service has no rules folder, without touching the disk', async () => {
    for (const rulesRef of ['/dev/zero', '/etc/shadow', '/proc/self/environ', 'rules.yaml', '../x.yaml']) {
      const res = await post('/api/reconcile-groups', JSON.stringify({ rulesRef }));
      expect(res.status).toBe(400);
      expect((await errorBody(res)).issues?.[0].message).toMatch(/^file paths are not accepted/);
    }
    const blob = await post('/api/reconcile-groups', JSON.stringify({ rulesRef: 'blob:../..' }));
    expect(blob.status).toBe(400);
    expect((await errorBody(blob)).issues?.[0].message).toMatch(/^invalid blob key/);
  });
});

describe('checkRequestRulesRef', () => {
  it('accepts rules files inside the folder and blob keys', () => {
    expect(checkRequestRulesRef('rules.yaml', '/etc/gcsync')).toBeUndefined();
    expect(checkRequestRulesRef('/etc/gcsync/team/a.json', '/etc/gcsync')).toBeUndefined();
    expect(checkRequestRulesRef('blob:rules/v7', undefined)).toBeUndefined();
  });

  it.each([
    ['/etc/shadow', 'must name a file inside the rules folder GCSYNC_RULES_DIR'],
    ['../gcsync2/x.yaml', 'must name a file inside the rules folder GCSYNC_RULES_DIR'],
    ['/etc/gcsync', 'must name a file inside the rules folder GCSYNC_RULES_DIR'],
    ['passwd', 'must name a *.yaml, *.yml or *.json file'],
    ['a\u0000.yaml', 'must not contain control characters'],
  ])('refuses %j with a folder', (ref, message) => {
    expect(checkRequestRulesRef(ref, '/etc/gcsync')).toEqual({ path: 'rulesRef', message });
  });
});

describe('binding', () => {
  it('listens on loopback unless told otherwise', async () => {
    const bound = await listen(express(), 0);
    try {
      expect((bound.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await closeServer(bound);
    }
  });

  it('gcsync serve defaults to 127.0.0.1, or GCSYNC_HTTP_HOST', () => {
    expect(defaultHost({})).toBe('127.0.0.1');
    expect(defaultHost({ GCSYNC_HTTP_HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });
});
