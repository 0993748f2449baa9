/** Emulator building blocks without HTTP: rate limiter, tokens, faults, directory writes, query parsing, listings. */
import { isLoopback } from '../../src/emulator/routes/control';
import { ApiError } from '../../src/emulator/errors';
import { FaultState } from '../../src/emulator/faults';
import { parseQuery, queryInt, queryList } from '../../src/emulator/http/query';
import { resolveOptions } from '../../src/emulator/options';
import { FixedWindowLimiter, UNTHROTTLED_ALLOWED } from '../../src/emulator/rate-limiter';
import { listing } from '../../src/emulator/serialize';
import { EmulatorState } from '../../src/emulator/state';
import { TokenStore } from '../../src/emulator/tokens';

describe('FixedWindowLimiter', () => {
  it('allows `limit` requests per window, reports the reset in whole seconds, and reopens after the window', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter(3, 60, () => now);
    expect([1, 2, 3].map(() => limiter.take('t').allowed)).toEqual([true, true, true]);
    now += 20_500;
    expect(limiter.take('t')).toEqual({ allowed: false, count: 3, limit: 3, resetSeconds: 40 });
    expect(limiter.take('other').allowed).toBe(true);
    now += 39_500;
    expect(limiter.take('t')).toEqual({ allowed: true, count: 1, limit: 3, resetSeconds: 60 });
  });

  it('never refuses when unthrottled but still counts', () => {
    const limiter = new FixedWindowLimiter(0, 60, () => 0);
    for (let i = 0; i < 1000; i++) limiter.take('t');
    expect(limiter.take('t')).toEqual({ allowed: true, count: 1001, limit: UNTHROTTLED_ALLOWED, resetSeconds: 60 });
  });
});

describe('TokenStore', () => {
  it('expires and revokes tokens', () => {
    let now = 0;
    const store = new TokenStore(() => now);
    const a = store.issue('c', 10);
    const b = store.issue('c', 100);
    expect(store.check(a.token)).toBe(a);
    now = 10_000;
    expect(store.check(a.token)).toBe('expired');
    expect(store.check('nope')).toBe('unknown');
    expect(store.revoke(b.token)).toBe(1);
    expect(store.check(b.token)).toBe('revoked');
    expect(store.counts()).toEqual({ total: 2, active: 0, expired: 1, revoked: 1 });
  });
});

describe('FaultState', () => {
  it('consumes bursts by path prefix', () => {
    const faults = new FaultState(1);
    faults.apply({ rateLimitBurst: { count: 2, retryAfterSeconds: 7, pathPrefix: '/api/v2/groups' } });
    expect(faults.takeRateLimitBurst('/api/v2/users')).toBeUndefined();
    expect(faults.takeRateLimitBurst('/api/v2/groups/x/members')).toBe(7);
    expect(faults.takeRateLimitBurst('/api/v2/groups')).toBe(7);
    expect(faults.takeRateLimitBurst('/api/v2/groups')).toBeUndefined();
  });

  it('samples the error ratio deterministically and restarts the sequence on clear', () => {
    const sample = (f: FaultState) => Array.from({ length: 200 }, () => f.takeServerError('/api/v2/users') ?? 0);
    const f = new FaultState(9);
    f.apply({ serverErrorRatio: 0.25, serverErrorStatus: 503 });
    const first = sample(f);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(25);
    expect(failures).toBeLessThan(80);
    f.clear();
    f.apply({ serverErrorRatio: 0.25, serverErrorStatus: 503 });
    expect(sample(f)).toEqual(first);
    expect(f.takeServerError('/oauth/token')).toBeUndefined();
  });
});

describe('EmulatorState writes', () => {
  function state(extra: Parameters<typeof resolveOptions>[0] = {}) {
    let now = Date.UTC(2026, 5, 1);
    const s = new EmulatorState(resolveOptions({ quiet: true, users: 50, groups: 3, now: () => (now += 1), ...extra }));
    return s;
  }

  it('bumps version and dateModified only when membership changes (by default)', () => {
    const s = state();
    const dir = s.directory;
    const group = dir.listGroups()[0];
    const outsider = dir.listUsers('any').find((u) => !group.members.has(u.id))!;
    const v = group.version;
    expect(dir.addMembers(group, [[...group.members][0]], s.now(), false)).toMatchObject({
      changed: 0,
      versionAfter: v,
    });
    const before = group.dateModified;
    expect(dir.addMembers(group, [outsider.id], s.now(), false)).toMatchObject({ changed: 1, versionAfter: v + 1 });
    expect(group.dateModified).toBeGreaterThan(before);
    expect(dir.removeMembers(group, ['not-a-member'], s.now(), false).versionAfter).toBe(v + 1);
    expect(dir.removeMembers(group, ['not-a-member'], s.now(), true).versionAfter).toBe(v + 2);
  });

  it('queues concurrent edits for the next write and applies immediate ones at once', () => {
    const s = state();
    const group = s.listGroups()[0];
    const member = [...group.members][0];
    const v = group.version;
    s.applyFaults({ concurrentEdit: { groupId: group.id, removeUserIds: [member], onNextWrite: true } });
    expect(group.version).toBe(v);
    expect(s.faults.snapshot().pendingConcurrentEdits).toEqual({ [group.id]: 1 });
    expect(s.runPendingEdits(group)).toBe(true);
    expect(group.version).toBe(v + 1);
    expect(group.members.has(member)).toBe(false);
    s.applyFaults({ concurrentEdit: { groupId: group.id, addUserIds: [member] } });
    expect(group.version).toBe(v + 2);
    expect(s.callsReport().writes.map((w) => w.source)).toEqual(['external', 'external']);
    expect(() => s.applyFaults({ concurrentEdit: { groupId: 'nope' } })).toThrow(ApiError);
  });

  it('creates fixtures, extends the catalog, and forgets them on reset', () => {
    const s = state();
    const user = s.createUser({ name: 'Pat Fixture', roles: ['Agent', 'Night Shift'], division: 'Moon Base' });
    expect(s.catalog.roles.map((r) => r.name)).toContain('Night Shift');
    expect(user.division.name).toBe('Moon Base');
    const group = s.createGroup({ name: 'Fixtures', memberIds: [user.id] });
    expect(s.groupMembers(group.id)).toEqual([user.id]);
    expect(() => s.createGroup({ name: 'Fixtures' })).toThrow(/already exists/);
    expect(() => s.createGroup({ name: 'Bad', memberIds: ['ghost'] })).toThrow(/Unknown user ids/);
    s.reset();
    expect(s.getUser(user.id)).toBeUndefined();
    expect(s.getGroup(group.id)).toBeUndefined();
    expect(s.snapshot(false).users.total).toBe(50);
  });
});

describe('query parsing', () => {
  it('splits comma lists, decodes + as space, and accepts repeated keys', () => {
    const q = parseQuery('id=a,b&id=c&expand=authorization%2Cgroups&name=Ann+Lee&empty=&flag');
    expect(queryList(q, 'id')).toEqual(['a', 'b', 'c']);
    expect(queryList(q, 'expand')).toEqual(['authorization', 'groups']);
    expect(q.get('name')).toEqual(['Ann Lee']);
    expect(q.get('flag')).toEqual(['']);
    expect(queryInt(q, 'pageSize', 25, 1, 500)).toBe(25);
  });

  it('refuses malformed encodings and out-of-range integers with 400', () => {
    expect(() => parseQuery('id=%E0%A4%A')).toThrow(ApiError);
    expect(() => queryInt(parseQuery('pageSize=501'), 'pageSize', 25, 1, 500)).toThrow(/between 1 and 500/);
    expect(() => queryInt(parseQuery('pageSize=ten'), 'pageSize', 25, 1, 500)).toThrow(/integer/);
  });
});

describe('listing envelope', () => {
  const items = Array.from({ length: 7 }, (_, i) => i);
  const page = (pageNumber: number) =>
    listing({ items, pageSize: 3, pageNumber, path: '/api/v2/x', carry: [['expand', 'a,b c']] }, (i) => i);

  it('builds relative URIs, omitting previousUri on page 1 and nextUri on the last page', () => {
    expect(page(1)).toEqual({
      entities: [0, 1, 2],
      pageSize: 3,
      pageNumber: 1,
      total: 7,
      pageCount: 3,
      firstUri: '/api/v2/x?pageSize=3&pageNumber=1&expand=a,b+c',
      selfUri: '/api/v2/x?pageSize=3&pageNumber=1&expand=a,b+c',
      lastUri: '/api/v2/x?pageSize=3&pageNumber=3&expand=a,b+c',
      nextUri: '/api/v2/x?pageSize=3&pageNumber=2&expand=a,b+c',
    });
    expect(page(3)).toMatchObject({ entities: [6], previousUri: '/api/v2/x?pageSize=3&pageNumber=2&expand=a,b+c' });
    expect(page(3)).not.toHaveProperty('nextUri');
    expect(page(9)).toMatchObject({ entities: [], pageCount: 3 });
  });

  it('reports an empty listing as zero pages', () => {
    const empty = listing({ items: [], pageSize: 25, pageNumber: 1, path: '/p', carry: [] }, (i) => i);
    expect(empty).toMatchObject({ total: 0, pageCount: 0, entities: [], lastUri: '/p?pageSize=25&pageNumber=1' });
    expect(empty).not.toHaveProperty('nextUri');
  });
});

describe('control API peer check', () => {
  // Only loopback peers may drive faults and resets; tests never send traffic off loopback, so this is checked here.
  it('accepts loopback peers and refuses every other address', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of [undefined, '10.0.0.1', '192.0.2.2', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1']) {
      expect(isLoopback(a)).toBe(false);
    }
  });
});
