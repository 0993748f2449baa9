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
  GroupFixture,
  GroupSnapshot,
  ResetSpec,
  StateSnapshot,
  UserFixture,
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
}

/** Starts a quiet in-process emulator and a control client for it. The caller closes `emulator`. */
export async function startControlledEmulator(
  opts: EmulatorOptions = {},
): Promise<{ emulator: RunningEmulator; control: EmulatorControl }> {
  const emulator = await startEmulator({ quiet: true, ...opts });
  return { emulator, control: new EmulatorControl(emulator.url) };
}
