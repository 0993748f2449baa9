/**
 * Everything one emulator instance knows: the directory, tokens, rate-limit windows, faults and call log. The
 * HTTP routes and the control API both go through this class, and in-process tests may call it directly
 * (`RunningEmulator.state`).
 */
import { CallLog } from './call-log';
import type {
  CallsReport,
  DriftEvent,
  FaultSpec,
  FaultsSnapshot,
  GrantsSpec,
  GroupFixture,
  NativeMembershipSpec,
  ResetSpec,
  RuntimeConfig,
  StateSnapshot,
  UserFixture,
  UsersDriftFault,
  WriteLogEntry,
} from './control-types';
import { Directory, type MembershipChange } from './directory';
import { FaultState } from './faults';
import { invalidValue, notFound } from './errors';
import { generateOrg } from './generator';
import type { Catalog, GroupRecord, RoleGrant, UserRecord } from './model';
import type { EmulatorClient, ResolvedOptions } from './options';
import { FixedWindowLimiter } from './rate-limiter';
import { TokenStore } from './tokens';

/** Org shape a reset starts from. */
interface OrgShape {
  seed: number;
  users: number;
  groups: number;
  inactiveUsers: number;
  membershipsPerUser: number;
  drift: number | undefined;
}

/** The runtime-switchable behaviours (see {@link EmulatorState.configure}). */
type Switches = Required<RuntimeConfig>;

function switchesOf(o: ResolvedOptions): Switches {
  return {
    activeResultWindow: o.activeResultWindow,
    inactiveResultWindow: o.inactiveResultWindow,
    ruleMemberDelete: o.ruleMemberDelete,
    memberCount: o.memberCount,
    groupRolesInUserAuthorization: o.groupRolesInUserAuthorization,
    userViewDivisions: [...o.userViewDivisions],
    individualsPageSize: o.individualsPageSize,
    rateLimitPerMinute: o.rateLimitPerMinute,
    missingVersion: o.missingVersion,
    noopWritesBumpVersion: o.noopWritesBumpVersion,
  };
}

/** `{id, name}` of a catalog entity (no shared references leak out). */
function ref(e: { id: string; name: string }): { id: string; name: string } {
  return { id: e.id, name: e.name };
}

/** Mutable state of one emulator. */
export class EmulatorState {
  readonly tokens: TokenStore;
  readonly limiter: FixedWindowLimiter;
  readonly calls = new CallLog();
  /**
   * OAuth and API requests received and not answered yet (the latency fault holds them). Tests wait for 0 after
   * killing a client, so a request it left in flight is counted before they read the call log.
   */
  requestsInFlight = 0;
  private shape: OrgShape;
  private dir: Directory;
  private faultState: FaultState;
  private readonly startSwitches: Switches;
  /** Extra OAuth clients by id (the primary one lives in `options`). */
  private readonly extraClients = new Map<string, string>();

  constructor(readonly options: ResolvedOptions) {
    this.tokens = new TokenStore(options.now);
    this.limiter = new FixedWindowLimiter(options.rateLimitPerMinute, options.rateLimitWindowSeconds, options.now);
    this.startSwitches = switchesOf(options);
    for (const c of options.extraClients) this.extraClients.set(c.clientId, c.clientSecret);
    this.shape = {
      seed: options.seed,
      users: options.users,
      groups: options.groups,
      inactiveUsers: options.inactiveUsers,
      membershipsPerUser: options.membershipsPerUser,
      drift: options.drift,
    };
    this.dir = this.generate();
    this.faultState = new FaultState(this.shape.seed);
  }

  private generate(): Directory {
    const { drift, ...shape } = this.shape;
    const ratios = drift === undefined ? {} : { missingRatio: drift, outsiderRatio: drift };
    return new Directory(generateOrg({ ...shape, ...ratios }), this.shape.seed);
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

  /**
   * Issues a token without going through `/oauth/token`, for the configured client or for `clientId` (any id: a
   * token's bucket is its own whatever the client).
   */
  issueToken(clientId = this.options.clientId): string {
    return this.tokens.issue(clientId, this.options.tokenLifetimeSeconds).token;
  }

  /** The secret of an accepted OAuth client, or undefined for an unknown id. */
  clientSecretFor(clientId: string): string | undefined {
    return clientId === this.options.clientId ? this.options.clientSecret : this.extraClients.get(clientId);
  }

  /** Every accepted OAuth client, the configured one first (secrets included: for test and bench set-up only). */
  clients(): EmulatorClient[] {
    return [
      { clientId: this.options.clientId, clientSecret: this.options.clientSecret },
      ...[...this.extraClients].map(([clientId, clientSecret]) => ({ clientId, clientSecret })),
    ];
  }

  /** Accepts another OAuth client (a token pool's second client); a known id gets the new secret. */
  addClient(client: EmulatorClient): void {
    if (client.clientId === '' || client.clientSecret === '') throw new RangeError('a client needs an id and a secret');
    if (client.clientId === this.options.clientId) this.options.clientSecret = client.clientSecret;
    else this.extraClients.set(client.clientId, client.clientSecret);
  }

  /**
   * Changes behaviour switches at runtime (result windows, rule-member DELETE, group roles in `expand=authorization`,
   * the rate limit, version policies). A reset restores the start-up values. Returns the switches now in force.
   */
  configure(spec: RuntimeConfig): Switches {
    const o = this.options;
    if (spec.activeResultWindow !== undefined) o.activeResultWindow = spec.activeResultWindow;
    if (spec.inactiveResultWindow !== undefined) o.inactiveResultWindow = spec.inactiveResultWindow;
    if (spec.ruleMemberDelete !== undefined) o.ruleMemberDelete = spec.ruleMemberDelete;
    if (spec.memberCount !== undefined) o.memberCount = spec.memberCount;
    if (spec.groupRolesInUserAuthorization !== undefined) {
      o.groupRolesInUserAuthorization = spec.groupRolesInUserAuthorization;
    }
    if (spec.userViewDivisions !== undefined) o.userViewDivisions = [...spec.userViewDivisions];
    if (spec.individualsPageSize !== undefined) o.individualsPageSize = spec.individualsPageSize;
    if (spec.missingVersion !== undefined) o.missingVersion = spec.missingVersion;
    if (spec.noopWritesBumpVersion !== undefined) o.noopWritesBumpVersion = spec.noopWritesBumpVersion;
    if (spec.rateLimitPerMinute !== undefined) {
      o.rateLimitPerMinute = spec.rateLimitPerMinute;
      this.limiter.setLimit(spec.rateLimitPerMinute);
    }
    return switchesOf(o);
  }

  /** Marks a user deleted (as an admin deleting them would); the user leaves `state=active` listings. */
  deleteUser(userId: string): UserRecord {
    return this.dir.deleteUser(userId);
  }

  /**
   * Fires a listing-drift fault after page `pageNumber` (of `pageSize`) of a users listing whose items, in
   * listing order, are `items`: deletes and creates users at seeded positions on the pages already served.
   * Returns the event (also logged in the faults snapshot), or undefined when no drift fault was queued.
   */
  afterUsersPage(
    pageNumber: number,
    pageSize: number,
    listingState: string,
    items: readonly UserRecord[],
  ): DriftEvent | undefined {
    const fault: UsersDriftFault | undefined = this.faultState.takeUsersDrift(pageNumber, listingState);
    if (!fault) return undefined;
    const served = items.slice(0, Math.min(items.length, pageNumber * pageSize));
    const prng = this.faultState.drift;
    const event: DriftEvent = { afterPage: pageNumber, pageSize, deletedUserIds: [], createdUserIds: [] };
    const victims = prng.sample(served, Math.min(fault.deleteCount ?? 0, served.length));
    for (const u of victims) event.deletedUserIds.push(this.dir.deleteUser(u.id).id);
    const remaining = served.filter((u) => u.state !== 'deleted');
    for (let k = 0; k < (fault.createCount ?? 0); k++) {
      const before = remaining.length > 0 ? remaining[prng.int(remaining.length)].id : undefined;
      const n = event.createdUserIds.length + 1;
      const created = this.dir.insertUser(
        {
          id: prng.uuid(),
          name: `Drift User ${pageNumber}-${n}`,
          state: fault.state === 'inactive' ? 'inactive' : 'active',
        },
        before,
      );
      event.createdUserIds.push(created.id);
    }
    this.faultState.logDrift(event);
    return event;
  }

  /** Sets a group's native rule-added members, owners and `includeOwners` (no version bump). */
  setNativeMembership(groupId: string, spec: NativeMembershipSpec): GroupRecord {
    const group = this.dir.getGroup(groupId);
    if (!group) throw notFound();
    this.dir.setNativeMembership(group, spec);
    return group;
  }

  /** Replaces (or with `add` extends) the roles a group grants its members. */
  setGroupGrants(groupId: string, spec: GrantsSpec): RoleGrant[] {
    const group = this.dir.getGroup(groupId);
    if (!group) throw notFound();
    return this.dir.setGrants(group, spec.grants, spec.add ?? false);
  }

  /** Grants `role` (name or id) in `division` (name or id, default `Home`) to a group. */
  grantGroupRole(groupId: string, role: string, division?: string): RoleGrant[] {
    return this.setGroupGrants(groupId, { grants: [{ role, division }], add: true });
  }

  /**
   * `GET /api/v2/authorization/subjects/{id}`: a group's grants, or a user's own roles (in the user's division)
   * followed by the grants of groups the user belongs to (subjectId = the group). 404 for an unknown id.
   */
  authorizationSubject(subjectId: string): Record<string, unknown> {
    const grantsOf = (subject: string, grants: readonly RoleGrant[]) =>
      grants.map((g) => ({ subjectId: subject, division: ref(g.division), role: ref(g.role) }));
    const group = this.dir.getGroup(subjectId);
    if (group && group.state !== 'deleted') {
      return {
        id: group.id,
        name: group.name,
        grants: grantsOf(group.id, group.grants ?? []),
        version: 1,
        selfUri: `/api/v2/authorization/subjects/${group.id}`,
      };
    }
    const user = this.dir.getUser(subjectId);
    if (!user || user.state === 'deleted') throw notFound();
    const grants = grantsOf(
      user.id,
      user.roles.map((role) => ({ role, division: user.division })),
    );
    for (const g of this.dir.grantingGroupsOf(user.id)) grants.push(...grantsOf(g.id, g.grants ?? []));
    return { id: user.id, name: user.name, grants, version: 1, selfUri: `/api/v2/authorization/subjects/${user.id}` };
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
      membershipsPerUser: spec.membershipsPerUser ?? this.shape.membershipsPerUser,
      drift: spec.drift === null ? undefined : (spec.drift ?? this.shape.drift),
    };
    this.configure(this.startSwitches);
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
        ...(g.ruleMembers ? { ruleMembers: [...g.ruleMembers] } : {}),
        ...(g.owners ? { owners: [...g.owners] } : {}),
        ...(g.includeOwners !== undefined ? { includeOwners: g.includeOwners } : {}),
        ...(g.grants ? { grants: g.grants.map((x) => ({ role: ref(x.role), division: ref(x.division) })) } : {}),
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
        ...switchesOf(this.options),
        clientId: this.options.clientId,
        extraClientIds: [...this.extraClients.keys()],
        rateLimitWindowSeconds: this.options.rateLimitWindowSeconds,
        tokenLifetimeSeconds: this.options.tokenLifetimeSeconds,
      },
    };
  }
}
