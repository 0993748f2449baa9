/** Building blocks of the real-service behaviours, without HTTP: fault queues, drift, native membership, grants, switches, counts. */
import { CallLog } from '../../src/emulator/call-log';
import { ApiError } from '../../src/emulator/errors';
import { FaultState } from '../../src/emulator/faults';
import { resolveOptions } from '../../src/emulator/options';
import { EmulatorState } from '../../src/emulator/state';

function state(extra: Parameters<typeof resolveOptions>[0] = {}): EmulatorState {
  return new EmulatorState(resolveOptions({ quiet: true, users: 60, groups: 3, ...extra }));
}

describe('FaultState one-off queues', () => {
  it('consumes page anomalies and drift by page and state, token throttles by count, and clears them', () => {
    const f = new FaultState(1);
    f.apply({
      usersPage: { pageNumber: 2, variant: 'empty' },
      usersDrift: { afterPage: 3, deleteCount: 1 },
      tokenThrottle: { count: 2, shape: '400' },
    });
    expect(f.takeUsersPage(1)).toBeUndefined();
    expect(f.takeUsersPage(2)).toEqual({ pageNumber: 2, variant: 'empty' });
    expect(f.takeUsersPage(2)).toBeUndefined();
    expect(f.takeUsersDrift(3, 'inactive')).toBeUndefined();
    expect(f.takeUsersDrift(3, 'active')).toEqual({ afterPage: 3, deleteCount: 1 });
    expect(f.takeTokenThrottle()).toEqual({ shape: '400', retryAfterSeconds: 1 });
    expect(f.snapshot().tokenThrottle).toEqual([{ remaining: 1, shape: '400', retryAfterSeconds: 1 }]);
    expect(f.takeTokenThrottle()).toBeDefined();
    expect(f.takeTokenThrottle()).toBeUndefined();
    f.apply({ usersPage: { pageNumber: 1, variant: 'short' } });
    f.clear();
    expect(f.snapshot()).toMatchObject({ usersPage: [], usersDrift: [], tokenThrottle: [], driftEvents: [] });
  });
});

describe('best-effort expand fault', () => {
  it('drops the requested (or listed) expansions for a seeded share, and repeats after a clear', () => {
    const draw = () => {
      const f = new FaultState(2);
      f.apply({ expandDrop: { ratio: 0.5, fields: ['groups'] } });
      return Array.from({ length: 40 }, () => f.takeExpandDrop(['authorization', 'groups']));
    };
    const drops = draw();
    expect(drops.filter((d) => d.length > 0).length).toBeGreaterThan(10);
    expect(drops.every((d) => d.length === 0 || (d.length === 1 && d[0] === 'groups'))).toBe(true);
    expect(draw()).toEqual(drops);
    const f = new FaultState(2);
    expect(f.expandDropActive).toBe(false);
    f.apply({ expandDrop: { ratio: 1 } });
    expect(f.takeExpandDrop(['skills'])).toEqual(['skills']);
    f.apply({ expandDrop: null });
    expect(f.expandDropActive).toBe(false);
  });
});

describe('listing drift', () => {
  it('deletes and inserts users only on pages already served, at seeded positions', () => {
    const run = () => {
      const s = state({ seed: 3 });
      s.applyFaults({ usersDrift: { afterPage: 2, deleteCount: 2, createCount: 2 } });
      const items = s.directory.listUsers('active');
      const served = items.slice(0, 20).map((u) => u.id);
      expect(s.afterUsersPage(1, 10, 'active', items)).toBeUndefined();
      const event = s.afterUsersPage(2, 10, 'active', items)!;
      const after = s.directory.listUsers('active').map((u) => u.id);
      return { event, served, after };
    };
    const { event, served, after } = run();
    expect(event.deletedUserIds).toHaveLength(2);
    for (const id of event.deletedUserIds) expect(served).toContain(id);
    for (const id of event.createdUserIds) expect(after.indexOf(id)).toBeLessThan(20);
    expect(after).toHaveLength(60);
    expect(run().event).toEqual(event);
  });
});

describe('native membership and grants', () => {
  it('separates individuals from rule members and owners, and finds the groups whose grants reach a user', () => {
    const s = state();
    const [a, b, c, d] = s.listUsers().map((u) => u.id);
    const g = s.createGroup({ name: 'N', memberIds: [a] });
    s.setNativeMembership(g.id, { ruleMemberIds: [b, a], ownerIds: [c] });
    const dir = s.directory;
    expect(dir.allMemberIds(g)).toEqual([a, b]);
    s.setNativeMembership(g.id, { includeOwners: true });
    expect(dir.allMemberIds(g)).toEqual([a, b, c]);
    expect([a, b, c, d].map((id) => dir.isNativeOnlyMember(g, id))).toEqual([false, true, true, false]);
    expect(() => s.setNativeMembership(g.id, { ruleMemberIds: ['nobody'] })).toThrow(ApiError);
    s.grantGroupRole(g.id, 'Brand New Role');
    expect(s.catalog.roles.some((r) => r.name === 'Brand New Role')).toBe(true);
    expect(s.authorizationSubject(g.id)).toMatchObject({
      id: g.id,
      grants: [{ subjectId: g.id, role: { name: 'Brand New Role' }, division: { name: 'Home' } }],
    });
    expect(dir.grantingGroupsOf(c).map((x) => x.id)).toEqual([g.id]);
    expect(dir.grantingGroupsOf(d)).toEqual([]);
    expect(() => s.authorizationSubject('missing')).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('runtime switches and clients', () => {
  it('configure changes switches and the limiter; reset restores start-up values; clients stay', () => {
    const s = state({ rateLimitPerMinute: 180, extraClients: [{ clientId: 'x', clientSecret: 'y' }] });
    expect(s.clientSecretFor('x')).toBe('y');
    expect(s.clientSecretFor('nope')).toBeUndefined();
    expect(s.configure({ ruleMemberDelete: 'reject', rateLimitPerMinute: 1 })).toMatchObject({
      ruleMemberDelete: 'reject',
      rateLimitPerMinute: 1,
    });
    expect(s.limiter.take('t').allowed).toBe(true);
    expect(s.limiter.take('t').allowed).toBe(false);
    s.addClient({ clientId: 'z', clientSecret: 'w' });
    s.reset();
    expect(s.options).toMatchObject({ ruleMemberDelete: 'ignore', rateLimitPerMinute: 180 });
    expect(s.limiter.take('t').limit).toBe(180);
    expect(s.snapshot(false).config.extraClientIds).toEqual(['x', 'z']);
    expect(s.clients().map((c) => c.clientId)).toEqual(['gcsync-local', 'x', 'z']);
  });

  it('refuses duplicate or empty extra clients', () => {
    expect(() => resolveOptions({ extraClients: [{ clientId: 'gcsync-local', clientSecret: 's' }] })).toThrow(
      RangeError,
    );
    expect(() => resolveOptions({ extraClients: [{ clientId: 'a', clientSecret: '' }] })).toThrow(RangeError);
  });
});

describe('CallLog', () => {
  it('reports 429s by route and calls by client, and clears them', () => {
    const log = new CallLog();
    log.count('GET /api/v2/users', 200, 'a');
    log.count('GET /api/v2/users', 429, 'a');
    log.count('POST /oauth/token', 429);
    log.count('GET /api/v2/groups', 200, 'b');
    expect(log.report()).toMatchObject({
      total: 4,
      rateLimited: { total: 2, byRoute: { 'GET /api/v2/users': 1, 'POST /oauth/token': 1 } },
      clients: { a: { calls: 2, rateLimited: 1 }, b: { calls: 1, rateLimited: 0 } },
    });
    log.clear();
    expect(log.report()).toMatchObject({ total: 0, rateLimited: { total: 0, byRoute: {} }, clients: {} });
  });
});
