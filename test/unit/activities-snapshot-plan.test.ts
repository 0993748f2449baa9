/**
 * The snapshot and planning activities against a scripted directory, in Temporal's MockActivityEnvironment: a
 * listing that does not add up is listed again and then fails closed; a member missing from the listing but active
 * is confirmed by id and never planned for removal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { GenesysDirectory, UsersPage } from '../../activities/directory';
import { makePlanActivities, type StoredGroupPlan } from '../../activities/plan';
import { makeSnapshotActivities, MAX_LISTING_ROUNDS } from '../../activities/snapshot';
import type { ActivityDeps } from '../../activities/deps';
import type { ChangedGroup, ComputePlanResult, ResolvedTarget, SnapshotUsersResult } from '../../activities/types';
import { MemoryAuditSink } from '../../src/audit/memory-sink';
import type { GenesysApiUser } from '../../src/core/directory-user';
import { DEFAULT_FAILSAFE_SETTINGS } from '../../src/core/policy-schema';
import { parseRules } from '../../src/core/rules-parse';
import { LocalBlobStore } from '../../src/store/local-blob-store';
import { LocalOwnershipLedger } from '../../src/store/local-ownership-ledger';

const PAGE = 10;
const ctx = { workflowId: 'wf', runId: 'run-1' };

/** An org of `n` active users in department Support, listed by offset pages; faults bend single pages. */
class ScriptedDirectory implements GenesysDirectory {
  readonly users: GenesysApiUser[];
  listUsersByCursor?: GenesysDirectory['listUsersByCursor'];
  /** Page number → how to bend it, consumed on first use unless `sticky`. */
  bends = new Map<number, { kind: 'empty' | 'drop-first'; sticky?: boolean }>();
  calls = { pages: 0, byId: 0 };

  constructor(n: number) {
    this.users = Array.from({ length: n }, (_, i) => ({
      id: `u${String(i).padStart(3, '0')}`,
      name: `User ${i}`,
      state: 'active',
      department: 'Support',
    }));
  }

  async listUsersPage(pageNumber: number, pageSize: number): Promise<UsersPage> {
    this.calls.pages += 1;
    const total = this.users.length;
    const pageCount = Math.ceil(total / pageSize);
    let entities = this.users.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    const bend = this.bends.get(pageNumber);
    if (bend) {
      if (!bend.sticky) this.bends.delete(pageNumber);
      // 'drop-first': a user on an earlier page was deleted, so this page starts one later and one user is never
      // listed; the listing still reports the old total (the count was taken before the deletion).
      entities =
        bend.kind === 'empty' ? [] : this.users.slice(pageNumber * pageSize - pageSize + 1, pageNumber * pageSize + 1);
    }
    return {
      users: entities,
      pageNumber,
      pageCount,
      total,
      ...(pageNumber < pageCount ? { nextUri: `/api/v2/users?pageNumber=${pageNumber + 1}` } : {}),
    };
  }

  async getUsersByIds(ids: readonly string[], _expand: unknown, state = 'active'): Promise<GenesysApiUser[]> {
    this.calls.byId += 1;
    return this.users.filter((u) => ids.includes(u.id as string) && (state === 'any' || u.state === state));
  }

  listAllGroups = async () => [];
  getGroup = async (id: string) => ({ id, name: id, version: 1 });
  getIndividuals = async () => this.users.map((u) => u.id as string);
  addMembers = async () => 202;
  removeMembers = async () => 202;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcsync-activities-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function depsFor(directory: GenesysDirectory): ActivityDeps {
  return {
    directory,
    blobs: new LocalBlobStore({ dir, gzip: false }),
    audit: new MemoryAuditSink(),
    ledger: new LocalOwnershipLedger({ dir }),
    usersPageSize: PAGE,
    readConcurrency: 3,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

describe('snapshotUsers', () => {
  it('reads every page of a consistent listing', async () => {
    const directory = new ScriptedDirectory(35);
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const result = (await new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] })) as SnapshotUsersResult;
    expect(result).toMatchObject({ count: 35, pages: 4 });
    expect(directory.calls.pages).toBe(4);
  });

  it('lists again when a page comes back empty once, and keeps nobody out', async () => {
    const directory = new ScriptedDirectory(35);
    directory.bends.set(2, { kind: 'empty' });
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const result = (await new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] })) as SnapshotUsersResult;
    expect(result.count).toBe(35);
    expect(directory.calls.pages).toBe(8); // two full rounds
  });

  it('fails closed, non-retryable, with the problems spelled out, when the listing never adds up', async () => {
    const directory = new ScriptedDirectory(35);
    directory.bends.set(3, { kind: 'drop-first', sticky: true });
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const failure = await failureOf(new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('SnapshotInconsistent');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(`did not add up in ${MAX_LISTING_ROUNDS} rounds`);
    expect(failure.message).toContain('user(s) were listed twice');
    expect(directory.calls.pages).toBe(4 * MAX_LISTING_ROUNDS);
  });

  it('fails closed when the active-users listing returns users without state active', async () => {
    const directory = new ScriptedDirectory(35);
    for (const u of directory.users.slice(0, 3)) delete u.state;
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const failure = await failureOf(new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] }));
    expect(failure.type).toBe('SnapshotInconsistent');
    expect(failure.message).toContain('3 user(s) in the active-users listing are not marked active');
  });

  it('never takes a late 400 for the end of the list', async () => {
    const directory = new ScriptedDirectory(35);
    directory.listUsersPage = async (pageNumber: number, pageSize: number) => {
      if (pageNumber > 2) throw { status: 400, code: 'bad.request', message: 'window exceeded' };
      return ScriptedDirectory.prototype.listUsersPage.call(directory, pageNumber, pageSize);
    };
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const failure = await failureOf(new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] }));
    expect(failure.type).toBe('SnapshotInconsistent');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/refused users page 3 \(HTTP 400\) after 20 users/);
  });
});

describe('snapshotUsers past a result window', () => {
  /** Offset pages past page 2 are refused with 400; the cursor route serves `cursorUsers` (default: everyone). */
  function windowed(directory: ScriptedDirectory, cursorUsers?: () => GenesysApiUser[]): { cursorPages: number } {
    const calls = { cursorPages: 0 };
    directory.listUsersPage = async (pageNumber: number, pageSize: number) => {
      if (pageNumber > 2) throw { status: 400, code: 'bad.request', message: 'window exceeded' };
      return ScriptedDirectory.prototype.listUsersPage.call(directory, pageNumber, pageSize);
    };
    directory.listUsersByCursor = async (cursor: string | undefined, pageSize: number) => {
      calls.cursorPages += 1;
      const users = cursorUsers ? cursorUsers() : directory.users;
      const start = cursor ? Number(cursor) : 0;
      const next = start + pageSize;
      return { users: users.slice(start, next), ...(next < users.length ? { cursor: String(next) } : {}) };
    };
    return calls;
  }

  it('lists by cursor when offset paging is refused past a window, and keeps everyone', async () => {
    const directory = new ScriptedDirectory(35);
    const calls = windowed(directory);
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const result = (await new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] })) as SnapshotUsersResult;
    expect(result.count).toBe(35);
    expect(calls.cursorPages).toBe(4);
  });

  it('fails closed when the cursor listing never holds the total the offset listing reported', async () => {
    const directory = new ScriptedDirectory(35);
    const calls = windowed(directory, () => directory.users.slice(1));
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const failure = await failureOf(new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] }));
    expect(failure.type).toBe('SnapshotInconsistent');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain("the cursor listing holds 34 users where the users listing's total says 35");
    expect(calls.cursorPages).toBe(4 * MAX_LISTING_ROUNDS);
  });

  it('fails closed, naming both routes, when the cursor route is refused too', async () => {
    const directory = new ScriptedDirectory(35);
    windowed(directory);
    directory.listUsersByCursor = async () => {
      throw { status: 403, code: 'missing.division.permission', message: 'needs directory:user:view in all divisions' };
    };
    const { snapshotUsers } = makeSnapshotActivities(depsFor(directory));
    const failure = await failureOf(new MockActivityEnvironment().run(snapshotUsers, { ctx, expand: [] }));
    expect(failure.type).toBe('SnapshotInconsistent');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/refused users page 3 \(HTTP 400\) after 20 users/);
    expect(failure.message).toContain('the cursor listing (GET /api/v2/users/query) failed too');
  });
});

describe('computePlan', () => {
  /**
   * Plans the group `Support` (rule: department Support, mode exact) from a snapshot holding `listed`, with `members`
   * as its individuals; returns the result, the stored plan of the group (if changed) and the activity's deps.
   */
  async function planOver(directory: ScriptedDirectory, listed: GenesysApiUser[], members: string[]) {
    const deps = depsFor(directory);
    const env = new MockActivityEnvironment();
    const pages = [listed.slice(0, PAGE), listed.slice(PAGE)];
    await deps.blobs.put('pages/p1', { meta: {}, users: pages[0].map(asUser) });
    await deps.blobs.put('pages/p2', { meta: {}, users: pages[1].map(asUser) });
    const count = listed.length;
    const usersRef = (await deps.blobs.put('users', { pages: ['pages/p1', 'pages/p2'], count, rounds: 1 })).ref;
    const target: ResolvedTarget = {
      key: 'Support',
      groupId: 'g1',
      groupName: 'Support',
      mode: 'exact',
      idpGroupId: 'g1',
      version: 7,
    };
    await deps.blobs.put('group/g1', { id: 'g1', name: 'Support', version: 7, individuals: [...members].sort() });
    const groupsRef = (await deps.blobs.put('groups', { groups: { g1: 'group/g1' } })).ref;
    const targetsRef = (await deps.blobs.put('targets', [target])).ref;
    const rulesRef = (
      await deps.blobs.put(
        'rules',
        parseRules('version: 1\ngroups:\n  - group: Support\n    include: { department: Support }\n', 'r'),
      )
    ).ref;

    const { computePlan, loadChangedGroups } = makePlanActivities(deps);
    const result = (await env.run(computePlan, {
      ctx,
      rulesRef,
      usersRef,
      groupsRef,
      targetsRef,
      expand: [],
      policy: {
        ...DEFAULT_FAILSAFE_SETTINGS,
        requireApproval: 'never' as const,
        maxRemovals: 100,
        maxRemovalRatio: 1,
        approvalTimeoutMs: 1000,
        concurrency: 1,
      },
    })) as ComputePlanResult;
    const [changed] = (await env.run(loadChangedGroups, {
      changedRef: result.changedRef,
      offset: 0,
      limit: 10,
    })) as ChangedGroup[];
    const stored = changed ? await deps.blobs.get<StoredGroupPlan>(changed.groupPlanRef) : undefined;
    return { result, stored, deps };
  }

  it('confirms by id a member missing from the listing and does not plan to remove them', async () => {
    const directory = new ScriptedDirectory(20);
    // The group holds all 20 users; one of them (u005) will be missing from the listing, as if a deletion elsewhere
    // had shifted the pages. u019 really left: Genesys reports them deleted.
    const gone = 'u019';
    directory.users[19] = { ...directory.users[19], state: 'deleted' };
    const listed = directory.users.filter((u) => u.id !== 'u005' && u.id !== gone);
    const { result, stored } = await planOver(
      directory,
      listed,
      directory.users.map((u) => u.id as string),
    );
    expect(result.confirmedById).toBe(1);
    expect(result.totals).toMatchObject({ adds: 0, removes: 1 });
    expect(stored?.approved.toRemove).toEqual([gone]);
    expect(stored?.observedVersion).toBe(7);
    expect(directory.calls.byId).toBe(1);
  });

  it('keeps a member that a read by id in any state does not return (not readable by this client), with a warning', async () => {
    const directory = new ScriptedDirectory(20);
    // u019 is in the group but outside what this client may read: neither listed nor returned by id.
    const hidden = directory.users.splice(19, 1)[0].id as string;
    const { result, stored } = await planOver(directory, directory.users, [
      ...directory.users.map((u) => u.id as string),
      hidden,
    ]);
    expect(result.totals).toMatchObject({ adds: 0, removes: 0 });
    expect(stored).toBeUndefined();
    expect(directory.calls.byId).toBe(1);
    expect(result.warnings).toContainEqual(
      `group 'Support': 1 member(s) that this OAuth client cannot read by id (e.g. ${hidden}; it may lack ` +
        'directory:user:view in their division): kept, never removed on data gcsync cannot read',
    );
  });
});

function asUser(u: GenesysApiUser) {
  return { id: u.id, name: u.name, state: 'active', department: 'Support', roles: [], skills: [], locations: [] };
}
