/**
 * Typed fetch-based client for the emulator's test-control API (`/__emulator/*`). Works against an emulator in
 * this process, in a child process or in a container, as long as the caller is on loopback (or the emulator was
 * started with `allowRemoteControl`).
 *
 * @example
 * const { emulator, control } = await startControlledEmulator({ users: 50 });
 * await control.faults({ rateLimitBurst: { count: 2, retryAfterSeconds: 1 } });
 * // ... run the code under test against emulator.url ...
 * expect((await control.calls()).counts['POST /api/v2/groups/{id}/members']).toBe(3);
 * await emulator.close();
 */
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator';
import type {
  CallsReport,
  CreatedGroup,
  CreatedUser,
  FaultSpec,
  FaultsSnapshot,
  GrantsSpec,
  GroupFixture,
  GroupSnapshot,
  NativeMembershipSpec,
  ResetSpec,
  RuntimeConfig,
  StateSnapshot,
  UserFixture,
  UsersDriftFault,
  UsersPageFault,
} from '../../src/emulator/control-types';

/** A control request the emulator refused; `body` is its ErrorBody. */
export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const message = (body as { message?: unknown } | undefined)?.message;
    super(`emulator control API answered ${status}${typeof message === 'string' ? `: ${message}` : ''}`);
    this.name = 'EmulatorControlError';
  }
}

/** Client of `/__emulator/*` on the emulator at `baseUrl` (e.g. `http://127.0.0.1:8089`). */
export class EmulatorControl {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!res.ok) throw new EmulatorControlError(res.status, parsed);
    return parsed as T;
  }

  /** Users count, groups (version, members), tokens, catalog, faults. `members: false` omits member lists. */
  state(opts: { members?: boolean } = {}): Promise<StateSnapshot> {
    return this.call('GET', opts.members === false ? '/state?members=false' : '/state');
  }

  /** One group of the state snapshot, or undefined. */
  async group(groupId: string): Promise<GroupSnapshot | undefined> {
    return (await this.state()).groups.find((g) => g.id === groupId);
  }

  /** Per-route call counts and statuses plus the chronological write log. */
  calls(): Promise<CallsReport> {
    return this.call('GET', '/calls');
  }

  /** Clears call counts and the write log. */
  async clearCalls(): Promise<void> {
    await this.call('DELETE', '/calls');
  }

  /** Merges faults into the active set (see `FaultSpec`); returns the active faults. */
  faults(spec: FaultSpec): Promise<FaultsSnapshot> {
    return this.call('POST', '/faults', spec);
  }

  /** The active faults. */
  activeFaults(): Promise<FaultsSnapshot> {
    return this.call('GET', '/faults');
  }

  /** Removes every fault. */
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** Issues a bearer token without the OAuth round trip. */
  async issueToken(): Promise<string> {
    return (await this.call<{ access_token: string }>('POST', '/tokens')).access_token;
  }

  /** Revokes one token, or every token when `token` is omitted; returns how many were revoked. */
  async revokeTokens(token?: string): Promise<number> {
    return (await this.call<{ revoked: number }>('POST', '/tokens/revoke', token === undefined ? {} : { token }))
      .revoked;
  }

  /** Regenerates the org (optionally with another seed/size), clears counters and faults. */
  reset(spec: ResetSpec = {}): Promise<StateSnapshot> {
    return this.call('POST', '/reset', spec);
  }

  /** Creates a group fixture. */
  createGroup(spec: GroupFixture): Promise<CreatedGroup> {
    return this.call('POST', '/groups', spec);
  }

  /** Creates a user fixture (unknown role/division/location/skill names join the catalog). */
  createUser(spec: UserFixture): Promise<CreatedUser> {
    return this.call('POST', '/users', spec);
  }

  /** Creates several user fixtures in one request. */
  createUsers(specs: UserFixture[]): Promise<CreatedUser[]> {
    return this.call('POST', '/users', specs);
  }

  /** Marks a user deleted, as an admin would (`DELETE /__emulator/users/{id}`). */
  async deleteUser(userId: string): Promise<void> {
    await this.call('DELETE', `/users/${encodeURIComponent(userId)}`);
  }

  /** Listing drift: after serving users page `afterPage`, delete/create users on earlier pages (once, seeded). */
  usersDrift(fault: UsersDriftFault): Promise<FaultsSnapshot> {
    return this.faults({ usersDrift: fault });
  }

  /**
   * Best-effort expand: a seeded share `ratio` of users in every user answer lose their expanded fields (or only
   * `fields`); `ratio` 0 turns it off.
   */
  expandDrop(ratio: number, fields?: ('authorization' | 'groups' | 'skills' | 'locations')[]): Promise<FaultsSnapshot> {
    return this.faults({ expandDrop: { ratio, fields } });
  }

  /** One-off anomaly on a users page: `empty`, `emptyWithoutNextUri`, `short` or `totals`. */
  usersPage(fault: UsersPageFault): Promise<FaultsSnapshot> {
    return this.faults({ usersPage: fault });
  }

  /** The next `count` token requests are throttled: 429 + Retry-After, or 400 `invalid_request` "rate limit exceeded". */
  throttleTokens(count: number, shape: '429' | '400' = '429', retryAfterSeconds = 1): Promise<FaultsSnapshot> {
    return this.faults({ tokenThrottle: { count, shape, retryAfterSeconds } });
  }

  /** Changes behaviour switches at runtime (result windows, ruleMemberDelete, ...); a reset restores them. */
  configure(config: RuntimeConfig): Promise<Required<RuntimeConfig>> {
    return this.call('POST', '/config', config);
  }

  /** Accepts another OAuth client (its tokens get their own rate-limit buckets). */
  async addClient(clientId: string, clientSecret: string): Promise<void> {
    await this.call('POST', '/clients', { clientId, clientSecret });
  }

  /** Sets a group's rule-added (dynamic) members, owners and includeOwners; no version bump. */
  setNativeMembership(groupId: string, spec: NativeMembershipSpec): Promise<CreatedGroup & { ruleMembers?: string[] }> {
    return this.call('POST', `/groups/${encodeURIComponent(groupId)}/native`, spec);
  }

  /** Replaces (or with `add`) a group's role grants; answers the group's authorization subject. */
  setGroupGrants(groupId: string, spec: GrantsSpec): Promise<AuthorizationSubject> {
    return this.call('POST', `/groups/${encodeURIComponent(groupId)}/grants`, spec);
  }

  /** Adds one role grant (role and division by name or id; division default `Home`) to a group. */
  grantGroupRole(groupId: string, role: string, division?: string): Promise<AuthorizationSubject> {
    return this.setGroupGrants(groupId, { grants: [{ role, division }], add: true });
  }
}

/** `GET /api/v2/authorization/subjects/{id}` as the emulator answers it. */
export interface AuthorizationSubject {
  id: string;
  name: string;
  grants: { subjectId: string; division: { id: string; name: string }; role: { id: string; name: string } }[];
  version: number;
  selfUri: string;
}

/** Starts a quiet in-process emulator and a control client for it. The caller closes `emulator`. */
export async function startControlledEmulator(
  opts: EmulatorOptions = {},
): Promise<{ emulator: RunningEmulator; control: EmulatorControl }> {
  const emulator = await startEmulator({ quiet: true, ...opts });
  return { emulator, control: new EmulatorControl(emulator.url) };
}
