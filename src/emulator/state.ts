/**
 * Everything one emulator instance knows: the directory, tokens, rate-limit windows, faults and call log. The
 * HTTP routes and the control API both go through this class, and in-process tests may call it directly
 * (`RunningEmulator.state`).
 */
import { CallLog } from './call-log';
import type {
  CallsReport,
  FaultSpec,
  FaultsSnapshot,
  GroupFixture,
  ResetSpec,
  StateSnapshot,
  UserFixture,
  WriteLogEntry,
} from './control-types';
import { Directory, type MembershipChange } from './directory';
import { FaultState } from './faults';
import { invalidValue, notFound } from './errors';
import { generateOrg } from './generator';
import type { Catalog, GroupRecord, UserRecord } from './model';
import type { ResolvedOptions } from './options';
import { FixedWindowLimiter } from './rate-limiter';
import { TokenStore } from './tokens';

/** Org shape a reset starts from. */
interface OrgShape {
  seed: number;
  users: number;
  groups: number;
  inactiveUsers: number;
}

/** Mutable state of one emulator. */
export class EmulatorState {
  readonly tokens: TokenStore;
  readonly limiter: FixedWindowLimiter;
  readonly calls = new CallLog();
  private shape: OrgShape;
  private dir: Directory;
  private faultState: FaultState;

  constructor(readonly options: ResolvedOptions) {
    this.tokens = new TokenStore(options.now);
    this.limiter = new FixedWindowLimiter(options.rateLimitPerMinute, options.rateLimitWindowSeconds, options.now);
    this.shape = {
      seed: options.seed,
      users: options.users,
      groups: options.groups,
      inactiveUsers: options.inactiveUsers,
    };
    this.dir = this.generate();
    this.faultState = new FaultState(this.shape.seed);
  }

  private generate(): Directory {
    return new Directory(generateOrg(this.shape), this.shape.seed);
  }

  /** Current clock reading (epoch ms). */
  now(): number {
    return this.options.now();
  }

  /** The users/groups store. Replaced on {@link reset}, so do not hold on to it across resets. */
  get directory(): Directory {
    return this.dir;
  }

  /** Active fault configuration. */
  get faults(): FaultState {
    return this.faultState;
  }

  /** Names and ids of roles, divisions, departments, titles, locations and skills of the current org. */
  get catalog(): Catalog {
    return this.dir.catalog;
  }

  /** The seed of the current org. */
  get seed(): number {
    return this.shape.seed;
  }

  getUser(id: string): UserRecord | undefined {
    return this.dir.getUser(id);
  }

  getGroup(id: string): GroupRecord | undefined {
    return this.dir.getGroup(id);
  }

  listUsers(): readonly UserRecord[] {
    return this.dir.listUsers('any');
  }

  listGroups(): readonly GroupRecord[] {
    return this.dir.listGroups();
  }

  /** Individual member ids of a group, in insertion order. */
  groupMembers(groupId: string): string[] {
    const group = this.dir.getGroup(groupId);
    if (!group) throw notFound();
    return [...group.members];
  }

  /** Issues a token for the configured client without going through `/oauth/token`. */
  issueToken(): string {
    return this.tokens.issue(this.options.clientId, this.options.tokenLifetimeSeconds).token;
  }

  /** Revokes one token, or all; returns how many were revoked. */
  revokeTokens(token?: string): number {
    return this.tokens.revoke(token);
  }

  /**
   * What an admin rotating (or deleting) the OAuth client does: the old secret stops working for new logins and,
   * like a real rotation that also revokes sessions, every issued token is revoked. Returns the revoked count.
   */
  rotateClientSecret(newSecret: string): number {
    if (newSecret === '') throw new RangeError('the new client secret must not be empty');
    this.options.clientSecret = newSecret;
    return this.tokens.revoke();
  }

  /** Creates a fixture user. */
  createUser(spec: UserFixture): UserRecord {
    return this.dir.createUser(spec);
  }

  /** Creates a fixture group. */
  createGroup(spec: GroupFixture): GroupRecord {
    return this.dir.createGroup(spec, this.now());
  }

  /**
   * Applies faults. A `concurrentEdit` is applied at once (and logged as an external write) unless `onNextWrite`,
   * in which case it waits for the next member write to its group.
   */
  applyFaults(spec: FaultSpec): FaultsSnapshot {
    const edit = spec.concurrentEdit;
    if (edit) {
      const group = this.dir.getGroup(edit.groupId);
      if (!group) throw invalidValue(`Unknown group ${edit.groupId}`, 'concurrentEdit.groupId', edit.groupId);
      const addUserIds = edit.addUserIds ?? [];
      const unknown = this.dir.unknownUserIds(addUserIds);
      if (unknown.length > 0) throw invalidValue(`Unknown user ids: ${unknown.slice(0, 5).join(', ')}`, 'addUserIds');
      const pending = { addUserIds, removeUserIds: edit.removeUserIds ?? [] };
      if (edit.onNextWrite) this.faultState.queueEdit(group.id, pending);
      else this.externalEdit(group, pending.addUserIds, pending.removeUserIds);
    }
    this.faultState.apply(spec);
    return this.faultState.snapshot();
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faultState.clear();
  }

  /** Runs the edits queued for `group`; returns whether any ran. */
  runPendingEdits(group: GroupRecord): boolean {
    const edits = this.faultState.takeEdits(group.id);
    for (const e of edits) this.externalEdit(group, e.addUserIds, e.removeUserIds);
    return edits.length > 0;
  }

  /**
   * A change made by "another admin": always bumps the version (even if the member set ends up unchanged) so
   * that it reliably invalidates the version a client read earlier. Logged with `source: 'external'`.
   */
  externalEdit(group: GroupRecord, addUserIds: string[], removeUserIds: string[]): MembershipChange {
    const change = this.dir.externalEdit(group, addUserIds, removeUserIds, this.now());
    this.logWrite({
      source: 'external',
      method: 'EDIT',
      route: 'EXTERNAL /api/v2/groups/{id}/members',
      groupId: group.id,
      status: 200,
      userIds: [...addUserIds, ...removeUserIds],
      versionBefore: change.versionBefore,
      versionAfter: change.versionAfter,
    });
    return change;
  }

  /** Appends to the chronological write log. */
  logWrite(entry: Omit<WriteLogEntry, 'seq' | 'at'>): WriteLogEntry {
    return this.calls.logWrite(entry, this.now());
  }

  /** Per-route counts and the write log. */
  callsReport(): CallsReport {
    return this.calls.report();
  }

  /** Clears counts and the write log. */
  resetCalls(): void {
    this.calls.clear();
  }

  /**
   * Regenerates the org (optionally with a new shape), clears counters, faults and rate-limit windows. Tokens stay
   * valid unless `revokeTokens`, so a test can reset between cases without logging in again.
   */
  reset(spec: ResetSpec = {}): void {
    this.shape = {
      seed: spec.seed ?? this.shape.seed,
      users: spec.users ?? this.shape.users,
      groups: spec.groups ?? this.shape.groups,
      inactiveUsers: spec.inactiveUsers ?? this.shape.inactiveUsers,
    };
    this.dir = this.generate();
    this.faultState = new FaultState(this.shape.seed);
    this.calls.clear();
    this.limiter.clear();
    if (spec.revokeTokens) this.tokens.revoke();
  }

  /** What `GET /__emulator/state` returns. */
  snapshot(includeMembers = true): StateSnapshot {
    const all = this.dir.listUsers('any');
    const users = { total: all.length, active: 0, inactive: 0, deleted: 0 };
    for (const u of all) users[u.state]++;
    const c = this.dir.catalog;
    return {
      seed: this.shape.seed,
      users,
      groups: this.dir.listGroups().map((g) => ({
        id: g.id,
        name: g.name,
        version: g.version,
        memberCount: g.members.size,
        dateModified: new Date(g.dateModified).toISOString(),
        ...(includeMembers ? { members: [...g.members] } : {}),
        ...(g.generatorRule ? { generatorRule: { ...g.generatorRule } } : {}),
      })),
      tokens: this.tokens.counts(),
      catalog: {
        roles: c.roles.map((e) => ({ ...e })),
        divisions: c.divisions.map((e) => ({ ...e })),
        departments: [...c.departments],
        titles: [...c.titles],
        locations: c.locations.map((e) => ({ ...e })),
        skills: c.skills.map((e) => ({ ...e })),
      },
      faults: this.faultState.snapshot(),
      config: {
        clientId: this.options.clientId,
        rateLimitPerMinute: this.options.rateLimitPerMinute,
        rateLimitWindowSeconds: this.options.rateLimitWindowSeconds,
        tokenLifetimeSeconds: this.options.tokenLifetimeSeconds,
      },
    };
  }
}
