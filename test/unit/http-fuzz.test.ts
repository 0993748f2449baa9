/**
 * HTTP fuzz: 1,100 hostile requests (fixed seed) against the app in-process. Every answer must be a 4xx with a JSON
 * `{error}`; no 5xx, no crash, and Temporal is never reached (the client throws if used, which would be a 500).
 */
import { createHttpApp } from '../../src/http/app';
import { badRulesCases, prng } from './fuzz-rules-cases';
import { clientThatMustNotBeUsed, memoryLogger, serveOnEphemeralPort, type TestServer } from './http-test-server';

const SEED = 8_2026;
const COUNT = 1100;
const TOKEN = 'fuzz-t0ken';

interface HostileRequest {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const json = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

const BAD_ESCAPES = ['%', '%E0%A4%A', '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%E2%82', 'a%2', '%%41', '%u0041'];
const ROUTES = ['', '/approve', '/reject'];
const WRONG: unknown[] = [null, 0, -1, 1e300, true, 'x', '', [], {}, [[]], { a: 1 }, ' ', '\u0000'];
const FIELDS = ['rulesRef', 'rules', 'targetGroups', 'mode', 'overrides', 'requestedBy'];
const OVERRIDES: Array<Record<string, unknown>> = [
  { maxRemovals: 1e300 },
  { maxRemovals: -1 },
  { maxRemovalRatio: 2 },
  { approvalTimeout: '100000000d' },
  { approvalTimeout: '31d' },
  { approvalTimeout: 'soon' },
  { concurrency: 0 },
  { concurrency: 65 },
  { concurrency: 1.5 },
  { activityHeartbeatTimeout: '2h' },
  { requireApproval: 'maybe' },
  { unknown: 1 },
];
const PATHS = ['/dev/zero', '/etc/shadow', '/proc/self/environ', 'rules.yaml', '../../etc/passwd', '/tmp/fifo.yaml'];
const BLOBS = ['blob:../..', 'blob:', 'blob:a//b', 'blob:a\\b', 'blob:x#y', `blob:${'k'.repeat(2000)}`];

function withProto(rng: Rng): string {
  const depth = int(rng, 0, 5);
  let inner = '{"__proto__": {"polluted": true}}';
  for (let i = 0; i < depth; i++) inner = `{"${pick(rng, ['rules', 'overrides', 'a'])}": ${inner}}`;
  return rng() < 0.5 ? inner : `{"targetGroups": ["A"], "rules": ${inner}}`;
}

function hostileRequests(seed: number, count: number): HostileRequest[] {
  const rng = prng(seed);
  const rules = badRulesCases(seed, 400).filter((c) => !/huge|too-many|oversize|deep-any/.test(c.category));
  const reconcile = (category: string, body: string, headers: Record<string, string> = json): HostileRequest => ({
    category,
    method: 'POST',
    path: '/api/reconcile-groups',
    headers,
    body,
  });
  const generators: Array<() => HostileRequest> = [
    () => ({
      category: 'bad-percent-encoding',
      method: pick(rng, ['GET', 'POST']),
      path: `/api/reconciliations/${pick(rng, ['', 'w-'])}${pick(rng, BAD_ESCAPES)}${pick(rng, ROUTES)}`,
      headers: json,
      body: undefined,
    }),
    () => ({
      category: 'bad-run-id',
      method: 'GET',
      path: `/api/reconciliations/${pick(rng, ['%00', '%0A', '%1F', '%7F', 'x'.repeat(int(rng, 1001, 4000))])}`,
      headers: json,
    }),
    () =>
      reconcile('malformed-json', pick(rng, ['{', '{"a":', '[1,', '{"a" 1}', "{'a': 1}", 'nul', '\u0000', '{"a":1}}'])),
    () => {
      const valid = JSON.stringify({ targetGroups: ['A', 'B'], mode: 'plan', overrides: { maxRemovals: 3 } });
      return reconcile('truncated-json', valid.slice(0, int(rng, 1, valid.length - 1)));
    },
    () => reconcile('prototype-key', withProto(rng)),
    () =>
      reconcile('unknown-key', JSON.stringify({ [pick(rng, ['targetGroup', 'Mode', 'rule', 'constructor', 'x'])]: 1 })),
    () => {
      const field = pick(rng, FIELDS);
      let value = pick(rng, WRONG);
      // Only values each field refuses (an object is valid inline rules and [] is refused too, but a string is rules text).
      if (
        field === 'rules' &&
        (typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)))
      )
        value = 5;
      if (field === 'overrides' && typeof value === 'object' && value !== null && !Array.isArray(value))
        value = { bad: 1 };
      return reconcile(
        'wrong-type',
        JSON.stringify({ [field]: value, rulesRef: field === 'rulesRef' ? value : undefined }),
      );
    },
    () => {
      const depth = int(rng, 65, 20_000);
      const [open, close] = pick(rng, [
        ['[', ']'],
        ['{"a":', '}'],
      ]);
      return reconcile(
        'deep-body',
        `{"${pick(rng, ['rules', 'overrides', 'targetGroups'])}": ${open.repeat(depth)}1${close.repeat(depth)}}`,
      );
    },
    () => reconcile('rulesRef-path', JSON.stringify({ rulesRef: pick(rng, PATHS), mode: 'plan' })),
    () => reconcile('rulesRef-blob', JSON.stringify({ rulesRef: pick(rng, BLOBS) })),
    () => {
      const c = pick(rng, rules);
      const inline = c.text ?? c.value;
      // A decoded value that is not an object is refused by the request schema; text goes to the rules parser.
      return reconcile(`inline-rules:${c.category}`, JSON.stringify({ rules: inline, mode: 'plan' }));
    },
    () => reconcile('bad-overrides', JSON.stringify({ overrides: pick(rng, OVERRIDES) })),
    () =>
      reconcile('content-type', JSON.stringify({ targetGroups: ['A'] }), {
        authorization: json.authorization,
        'content-type': pick(rng, [
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin9',
        ]),
      }),
    () => reconcile('too-large', JSON.stringify({ rules: 'x'.repeat(int(rng, 70_000, 200_000)) })),
    () => ({
      category: 'auth',
      method: pick(rng, ['GET', 'POST']),
      path: pick(rng, ['/api/reconcile-groups', '/api/reconciliations/w1', '/api/reconciliations/w1/approve']),
      headers: pick<Record<string, string>>(rng, [
        { 'content-type': 'application/json' },
        { authorization: 'Bearer wrong', 'content-type': 'application/json' },
        { authorization: `Basic ${TOKEN}` },
        { authorization: `Bearer ${TOKEN} extra` },
        { authorization: 'Bearer' },
      ]),
      body: '{"targetGroups": ["A"]}',
    }),
    () => ({
      category: 'bad-decision',
      method: 'POST',
      path: `/api/reconciliations/w-${int(rng, 0, 99)}/${pick(rng, ['approve', 'reject'])}`,
      headers: json,
      body: JSON.stringify(
        pick(rng, [
          {},
          { by: '' },
          { by: 'a' },
          { by: 'a', planDigest: '' },
          { by: 'a', planDigest: 'd', extra: 1 },
          { by: 'x'.repeat(201), planDigest: 'd', reason: 'r' },
          { reason: 'r' },
          [],
          'approve',
        ]),
      ),
    }),
    () => ({
      category: 'unknown-route',
      method: pick(rng, ['GET', 'PUT', 'DELETE', 'PATCH', 'POST']),
      path: pick(rng, [
        '/api',
        '/api/',
        '/api/reconcile',
        '/admin',
        '/api/reconciliations',
        '/../etc/passwd',
        '/api/reconciliations/w/cancel',
      ]),
      headers: json,
      body: undefined,
    }),
  ];
  return Array.from({ length: count }, (_, i) => generators[i % generators.length]());
}

describe('HTTP fuzz', () => {
  let server: TestServer;
  const log = memoryLogger();
  beforeAll(async () => {
    const app = createHttpApp({
      client: clientThatMustNotBeUsed(),
      taskQueue: 'gcsync',
      apiToken: TOKEN,
      logger: log.logger,
      bodyLimit: '64kb',
    });
    server = await serveOnEphemeralPort(app);
  });
  afterAll(() => server.close());

  it('answers every hostile request with a 4xx JSON error, never a 5xx', async () => {
    const requests = hostileRequests(SEED, COUNT);
    expect(requests.length).toBeGreaterThanOrEqual(1000);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const [index, req] of requests.entries()) {
      const res = await fetch(`${server.url}${req.path}`, {
        method: req.method,
        headers: req.headers,
        body: req.method === 'GET' || req.method === 'DELETE' ? undefined : req.body,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = await res.text();
      let error: unknown;
      try {
        error = (JSON.parse(text) as { error?: unknown }).error;
      } catch {
        error = undefined;
      }
      if (res.status < 400 || res.status >= 500 || typeof error !== 'string' || error === '') {
        failures.push(
          `#${index} ${req.category} ${req.method} ${req.path.slice(0, 80)} → ${res.status} ${text.slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(log.lines()).not.toContain('"level":50'); // nothing logged as a server error
    console.log(`http fuzz: ${requests.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
