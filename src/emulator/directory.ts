/**
 * The directory the emulator serves: users, groups and memberships, plus the catalog. Holds the domain rules of
 * member writes (what counts as a change, version bumps); HTTP concerns live in the routes.
 */
import type { GroupFixture, UserFixture } from './control-types';
import { ApiError, invalidValue } from './errors';
import type { Catalog, GroupRecord, NamedEntity, Org, RoleGrant, UserRecord, UserState } from './model';
import { Prng } from './prng';

/** Outcome of a membership change. */
export interface MembershipChange {
  changed: number;
  versionBefore: number;
  versionAfter: number;
}

type MutableCatalog = {
  roles: NamedEntity[];
  divisions: NamedEntity[];
  departments: string[];
  titles: string[];
  locations: NamedEntity[];
  skills: NamedEntity[];
};

/** Users, groups and catalog of one org, indexed for the routes. */
export class Directory {
  readonly catalog: Catalog;
  private readonly users: UserRecord[];
  private readonly usersById = new Map<string, UserRecord>();
  private readonly groups: GroupRecord[];
  private readonly groupsById = new Map<string, GroupRecord>();
  private readonly byState = new Map<UserState | 'any', UserRecord[]>();
  private readonly sortedByState = new Map<UserState | 'any', UserRecord[]>();
  private readonly fixtureIds: Prng;

  constructor(org: Org, seed: number) {
    this.catalog = org.catalog;
    this.users = org.users;
    this.groups = org.groups;
    for (const u of org.users) this.usersById.set(u.id, u);
    for (const g of org.groups) this.groupsById.set(g.id, g);
    this.fixtureIds = new Prng(seed, 'fixtures');
  }

  get userCount(): number {
    return this.users.length;
  }

  getUser(id: string): UserRecord | undefined {
    return this.usersById.get(id);
  }

  getGroup(id: string): GroupRecord | undefined {
    return this.groupsById.get(id);
  }

  /** Every group in creation order. */
  listGroups(): readonly GroupRecord[] {
    return this.groups;
  }

  /** Users in `state` (or all for `any`) in creation order; cached because paging re-asks for every page. */
  listUsers(state: UserState | 'any'): readonly UserRecord[] {
    let list = this.byState.get(state);
    if (!list) {
      list = state === 'any' ? this.users : this.users.filter((u) => u.state === state);
      this.byState.set(state, list);
    }
    return list;
  }

  /**
   * Users in `state` sorted by id (the order of the `/users/query` cursor, which keys on the last id served so
   * that deletions and creations during paging never shift it). Cached like {@link listUsers}.
   */
  usersSortedById(state: UserState | 'any'): readonly UserRecord[] {
    let list = this.sortedByState.get(state);
    if (!list) {
      list = [...this.listUsers(state)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.sortedByState.set(state, list);
    }
    return list;
  }

  /** Forgets the per-state listings after a user changed state or was inserted. */
  private invalidate(): void {
    this.byState.clear();
    this.sortedByState.clear();
  }

  /** Marks a user deleted (it leaves every `state=active` listing; memberships are left as they are). */
  deleteUser(id: string): UserRecord {
    const user = this.usersById.get(id);
    if (!user) throw invalidValue(`Unknown user ${id}`, 'userId', id);
    user.state = 'deleted';
    this.invalidate();
    return user;
  }

  /**
   * Creates a fixture user and places it just before `before` in listing order (so a listing in progress sees
   * later pages shift), or at the end when `before` is undefined.
   */
  insertUser(spec: UserFixture, before?: string): UserRecord {
    const user = this.createUser(spec);
    if (before !== undefined) {
      const at = this.users.indexOf(this.usersById.get(before) as UserRecord);
      if (at >= 0) {
        this.users.pop();
        this.users.splice(at, 0, user);
      }
    }
    this.invalidate();
    return user;
  }

  /** Every member `/members` shows: individuals, then rule-added members, then owners when `includeOwners`. */
  allMemberIds(group: GroupRecord): string[] {
    if (!group.ruleMembers && !(group.includeOwners && group.owners)) return [...group.members];
    const all = new Set(group.members);
    for (const id of group.ruleMembers ?? []) all.add(id);
    if (group.includeOwners) for (const id of group.owners ?? []) all.add(id);
    return [...all];
  }

  /** Whether `userId` is a member only through a rule or as an included owner (not individually). */
  isNativeOnlyMember(group: GroupRecord, userId: string): boolean {
    if (group.members.has(userId)) return false;
    return (
      (group.ruleMembers?.has(userId) ?? false) || (group.includeOwners === true && group.owners?.has(userId) === true)
    );
  }

  /** Sets a group's native memberships; fields left undefined keep their value. Does not bump the version. */
  setNativeMembership(
    group: GroupRecord,
    spec: { ruleMemberIds?: string[]; ownerIds?: string[]; includeOwners?: boolean },
  ): void {
    const unknown = this.unknownUserIds([...(spec.ruleMemberIds ?? []), ...(spec.ownerIds ?? [])]);
    if (unknown.length > 0) throw invalidValue(`Unknown user ids: ${unknown.slice(0, 5).join(', ')}`, 'userIds');
    if (spec.ruleMemberIds) group.ruleMembers = new Set(spec.ruleMemberIds);
    if (spec.ownerIds) group.owners = new Set(spec.ownerIds);
    if (spec.includeOwners !== undefined) group.includeOwners = spec.includeOwners;
  }

  /** Replaces (or, with `add`, extends) a group's role grants; roles/divisions by name or id (default `Home`). */
  setGrants(group: GroupRecord, grants: { role: string; division?: string }[], add = false): RoleGrant[] {
    const catalog = this.catalog as MutableCatalog;
    const built = grants.map((g) => ({
      role: this.entity(catalog.roles, g.role),
      division: this.entity(catalog.divisions, g.division ?? 'Home'),
    }));
    group.grants = add ? [...(group.grants ?? []), ...built] : built;
    return group.grants;
  }

  /** Groups with grants whose members (individual, rule-added or included owner) include `userId`. */
  grantingGroupsOf(userId: string): GroupRecord[] {
    const out: GroupRecord[] = [];
    for (const g of this.groups) {
      if (!g.grants || g.grants.length === 0 || g.state === 'deleted') continue;
      if (g.members.has(userId) || this.isNativeOnlyMember(g, userId)) out.push(g);
    }
    return out;
  }

  /** Groups that hold `userId` as an individual member (for `expand=groups`). */
  groupsOf(userId: string): GroupRecord[] {
    const out: GroupRecord[] = [];
    for (const g of this.groups) if (g.members.has(userId)) out.push(g);
    return out;
  }

  /** Ids in `ids` that name no user (or a deleted one), in request order. */
  unknownUserIds(ids: readonly string[]): string[] {
    return ids.filter((id) => {
      const u = this.usersById.get(id);
      return !u || u.state === 'deleted';
    });
  }

  /**
   * Adds individuals. Existing members are a no-op; the version moves only when membership changed, unless
   * `bumpOnNoop` (see README: both are UNCONFIRMED against the real service).
   */
  addMembers(group: GroupRecord, ids: readonly string[], now: number, bumpOnNoop: boolean): MembershipChange {
    const versionBefore = group.version;
    let changed = 0;
    for (const id of ids) {
      if (!group.members.has(id)) {
        group.members.add(id);
        changed++;
      }
    }
    this.touch(group, changed, now, bumpOnNoop);
    return { changed, versionBefore, versionAfter: group.version };
  }

  /** Removes individuals; non-members are a no-op. Version rule as in {@link addMembers}. */
  removeMembers(group: GroupRecord, ids: readonly string[], now: number, bumpOnNoop: boolean): MembershipChange {
    const versionBefore = group.version;
    let changed = 0;
    for (const id of ids) if (group.members.delete(id)) changed++;
    this.touch(group, changed, now, bumpOnNoop);
    return { changed, versionBefore, versionAfter: group.version };
  }

  /** An edit by someone else: always bumps the version once, even when the member set ends up unchanged. */
  externalEdit(
    group: GroupRecord,
    addIds: readonly string[],
    removeIds: readonly string[],
    now: number,
  ): MembershipChange {
    const versionBefore = group.version;
    let changed = 0;
    for (const id of removeIds) if (group.members.delete(id)) changed++;
    for (const id of addIds) {
      if (!group.members.has(id)) {
        group.members.add(id);
        changed++;
      }
    }
    this.touch(group, changed, now, true);
    return { changed, versionBefore, versionAfter: group.version };
  }

  private touch(group: GroupRecord, changed: number, now: number, bumpOnNoop: boolean): void {
    if (changed === 0 && !bumpOnNoop) return;
    group.version++;
    // Keep dateModified strictly increasing even when two writes land in the same millisecond.
    group.dateModified = Math.max(now, group.dateModified + 1);
  }

  /** Creates a user from a fixture; unknown catalog names are added to the catalog. */
  createUser(spec: UserFixture): UserRecord {
    const id = spec.id ?? this.fixtureIds.uuid();
    if (this.usersById.has(id)) throw new ApiError(409, 'general.conflict', `A user with id ${id} already exists.`);
    if (spec.managerId !== undefined && !this.usersById.has(spec.managerId)) {
      throw invalidValue(`Manager ${spec.managerId} does not exist.`, 'managerId', spec.managerId);
    }
    const catalog = this.catalog as MutableCatalog;
    const local = spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
    const email = spec.email ?? `${local}.${id.slice(0, 8)}@example.com`;
    const title = spec.title ?? 'Agent';
    const department = spec.department ?? 'Support';
    if (!catalog.titles.includes(title)) catalog.titles.push(title);
    if (!catalog.departments.includes(department)) catalog.departments.push(department);
    const user: UserRecord = {
      id,
      name: spec.name,
      email,
      username: spec.username ?? email,
      state: spec.state ?? 'active',
      title,
      department,
      division: this.entity(catalog.divisions, spec.division ?? 'Home'),
      managerId: spec.managerId,
      version: 1,
      roles: (spec.roles ?? ['Employee']).map((r) => this.entity(catalog.roles, r)),
      skills: (spec.skills ?? []).map((s) => ({
        skill: this.entity(catalog.skills, s.name),
        proficiency: s.proficiency ?? 3,
      })),
      locations: (spec.locations ?? []).map((l) => this.entity(catalog.locations, l)),
    };
    this.users.push(user);
    this.usersById.set(id, user);
    this.invalidate();
    return user;
  }

  /** Creates a group from a fixture; names must be unique and members must exist. */
  createGroup(spec: GroupFixture, now: number): GroupRecord {
    const id = spec.id ?? this.fixtureIds.uuid();
    if (this.groupsById.has(id)) throw new ApiError(409, 'general.conflict', `A group with id ${id} already exists.`);
    if (this.groups.some((g) => g.name === spec.name)) {
      throw new ApiError(409, 'general.conflict', `A group named "${spec.name}" already exists.`);
    }
    const memberIds = spec.memberIds ?? [];
    const unknown = this.unknownUserIds(memberIds);
    if (unknown.length > 0) throw invalidValue(`Unknown user ids: ${unknown.slice(0, 5).join(', ')}`, 'memberIds');
    const group: GroupRecord = {
      id,
      name: spec.name,
      description: spec.description ?? '',
      type: spec.type ?? 'official',
      visibility: spec.visibility ?? 'public',
      rulesVisible: true,
      state: 'active',
      version: spec.version ?? 1,
      dateModified: now,
      members: new Set(memberIds),
    };
    if (spec.ruleMemberIds || spec.ownerIds || spec.includeOwners !== undefined) this.setNativeMembership(group, spec);
    this.groups.push(group);
    this.groupsById.set(id, group);
    return group;
  }

  /** Finds a catalog entity by id or name, adding a new one named `ref` when neither matches. */
  private entity(list: NamedEntity[], ref: string): NamedEntity {
    const found = list.find((e) => e.id === ref || e.name === ref);
    if (found) return found;
    const created = { id: this.fixtureIds.uuid(), name: ref };
    list.push(created);
    return created;
  }
}
