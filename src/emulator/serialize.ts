/**
 * Wire shapes of users, groups and entity listings, built from records on demand. Expanded fields appear only
 * when the matching `expand` value was asked for, as with the real service.
 */
import type { Directory } from './directory';
import { encodeQueryValue } from './http/query';
import type { GroupRecord, UserRecord } from './model';
import type { MemberCountPolicy } from './options';

/** `expand` values the emulator fills; others are accepted and ignored ("best effort", like Genesys). */
export interface Expand {
  authorization: boolean;
  groups: boolean;
  skills: boolean;
  locations: boolean;
}

export const NO_EXPAND: Expand = { authorization: false, groups: false, skills: false, locations: false };

/** Reads the supported flags out of an `expand` list. */
export function parseExpand(values: readonly string[]): Expand {
  if (values.length === 0) return NO_EXPAND;
  const set = new Set(values);
  return {
    authorization: set.has('authorization'),
    groups: set.has('groups'),
    skills: set.has('skills'),
    locations: set.has('locations'),
  };
}

/**
 * The Genesys `User` object for `user`. With `groupRoles`, `expand=authorization` also lists the roles of groups
 * that grant roles and hold the user (whether the real service does so is UNCONFIRMED; off by default).
 */
export function userView(
  user: UserRecord,
  expand: Expand,
  dir: Directory,
  groupRoles = false,
): Record<string, unknown> {
  const self = `/api/v2/users/${user.id}`;
  const view: Record<string, unknown> = {
    id: user.id,
    name: user.name,
    division: {
      id: user.division.id,
      name: user.division.name,
      selfUri: `/api/v2/authorization/divisions/${user.division.id}`,
    },
    email: user.email,
    primaryContactInfo: [{ address: user.email, mediaType: 'EMAIL', type: 'PRIMARY' }],
    addresses: [],
    state: user.state,
    title: user.title,
    department: user.department,
    username: user.username,
    version: user.version,
    acdAutoAnswer: false,
    selfUri: self,
  };
  if (user.managerId !== undefined) {
    view.manager = { id: user.managerId, selfUri: `/api/v2/users/${user.managerId}` };
  }
  if (expand.authorization) {
    const roles = user.roles.map((r) => ({ id: r.id, name: r.name }));
    if (groupRoles) {
      for (const g of dir.grantingGroupsOf(user.id)) {
        for (const grant of g.grants ?? []) {
          if (!roles.some((r) => r.id === grant.role.id)) roles.push({ id: grant.role.id, name: grant.role.name });
        }
      }
    }
    view.authorization = { roles };
  }
  if (expand.skills) {
    view.skills = user.skills.map((s) => ({
      id: s.skill.id,
      name: s.skill.name,
      proficiency: s.proficiency,
      state: 'active',
      skillUri: `/api/v2/routing/skills/${s.skill.id}`,
      selfUri: `${self}/routingskills/${s.skill.id}`,
    }));
  }
  if (expand.locations) {
    view.locations = user.locations.map((l) => ({
      id: l.id,
      locationDefinition: { id: l.id, name: l.name, selfUri: `/api/v2/locations/${l.id}` },
    }));
  }
  if (expand.groups) {
    view.groups = dir.groupsOf(user.id).map((g) => ({ id: g.id, name: g.name, selfUri: `/api/v2/groups/${g.id}` }));
  }
  return view;
}

/** Individuals, rule-added members and included owners, each once (what `/members` lists). */
function countAllMembers(group: GroupRecord): number {
  const all = new Set(group.members);
  for (const id of group.ruleMembers ?? []) all.add(id);
  if (group.includeOwners) for (const id of group.owners ?? []) all.add(id);
  return all.size;
}

/** The Genesys `Group` object for `group`; `memberCount` counts as the emulator's switch says. */
export function groupView(group: GroupRecord, memberCount: MemberCountPolicy = 'individuals'): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: group.id,
    name: group.name,
    description: group.description,
    dateModified: new Date(group.dateModified).toISOString(),
    memberCount: memberCount === 'members' ? countAllMembers(group) : group.members.size,
    state: group.state,
    version: group.version,
    type: group.type,
    rulesVisible: group.rulesVisible,
    visibility: group.visibility,
    // Roles can be granted to a group only when roles are enabled on it; here, exactly the groups given grants.
    rolesEnabled: (group.grants?.length ?? 0) > 0,
    selfUri: `/api/v2/groups/${group.id}`,
  };
  // Native owner settings appear only on groups that have them, so plain groups keep their historical shape.
  if (group.includeOwners !== undefined) view.includeOwners = group.includeOwners;
  if (group.owners && group.owners.size > 0) {
    view.owners = [...group.owners].map((id) => ({ id, selfUri: `/api/v2/users/${id}` }));
  }
  return view;
}

/** Inputs of {@link listing}. */
export interface ListingPage<T> {
  /** Every matching item, in listing order; the page is cut from it. */
  items: readonly T[];
  pageSize: number;
  pageNumber: number;
  /** Path the URIs point at, e.g. `/api/v2/users`. */
  path: string;
  /** Other query parameters to carry into every URI (already as single strings), in order. */
  carry: [string, string][];
}

function uri(path: string, pageSize: number, pageNumber: number, carry: [string, string][]): string {
  let out = `${path}?pageSize=${pageSize}&pageNumber=${pageNumber}`;
  for (const [k, v] of carry) out += `&${encodeQueryValue(k)}=${encodeQueryValue(v)}`;
  return out;
}

/**
 * The Genesys entity-listing envelope with relative URIs: `previousUri` only after page 1, `nextUri` only before
 * the last page.
 */
export function listing<T>(page: ListingPage<T>, view: (item: T) => unknown): Record<string, unknown> {
  const { items, pageSize, pageNumber, path, carry } = page;
  const total = items.length;
  const pageCount = Math.ceil(total / pageSize);
  const start = (pageNumber - 1) * pageSize;
  const entities: unknown[] = [];
  for (let i = start; i < Math.min(total, start + pageSize); i++) entities.push(view(items[i]));
  const envelope: Record<string, unknown> = {
    entities,
    pageSize,
    pageNumber,
    total,
    pageCount,
    firstUri: uri(path, pageSize, 1, carry),
    selfUri: uri(path, pageSize, pageNumber, carry),
    lastUri: uri(path, pageSize, Math.max(1, pageCount), carry),
  };
  if (pageNumber > 1) envelope.previousUri = uri(path, pageSize, pageNumber - 1, carry);
  if (pageNumber < pageCount) envelope.nextUri = uri(path, pageSize, pageNumber + 1, carry);
  return envelope;
}

/** The envelope of `/individuals`: every member on one page. */
export function unpagedListing<T>(
  items: readonly T[],
  path: string,
  view: (item: T) => unknown,
): Record<string, unknown> {
  return {
    entities: items.map(view),
    pageSize: items.length,
    pageNumber: 1,
    total: items.length,
    pageCount: 1,
    firstUri: path,
    selfUri: path,
    lastUri: path,
  };
}
