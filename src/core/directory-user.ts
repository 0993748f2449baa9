/**
 * The normalised user the rules are evaluated against. The Genesys user object is large, mostly optional and
 * shaped by `expand`; rules only ever look at the handful of attributes below, so the snapshot converts each
 * API user once and stores (and hashes) only this plain-JSON form.
 */

/** An `{id, name}` reference (role, location). */
export interface NamedRef {
  id: string;
  name: string;
}

/** A routing skill held by a user. */
export interface DirectorySkill {
  id: string;
  name: string;
  proficiency: number;
}

/** A user as the rules see it. Plain JSON: safe to store in a snapshot and to pass into workflow code. */
export interface DirectoryUser {
  id: string;
  name: string;
  /** For people reading a plan (not matched by any selector). */
  email?: string;
  /** For people reading a plan (not matched by any selector). */
  username?: string;
  /** `active`, `inactive` or `deleted` as reported by Genesys; `unknown` when the API omitted it. */
  state: string;
  divisionId?: string;
  divisionName?: string;
  department?: string;
  title?: string;
  managerId?: string;
  /** From `authorization.roles`; empty unless the snapshot requested `expand=authorization`. */
  roles: NamedRef[];
  /** From `skills`; empty unless requested with `expand=skills`. */
  skills: DirectorySkill[];
  /** From `locations`; empty unless requested with `expand=locations`. */
  locations: NamedRef[];
}

type Maybe<T> = T | null | undefined;

/**
 * The subset of the Genesys `User` (GET /api/v2/users, §2.2 of the API fact sheet) that {@link fromGenesysUser}
 * reads. Every field is optional, so the SDK's `Models.User` and raw JSON from the API both fit.
 */
export interface GenesysApiUser {
  id?: Maybe<string>;
  name?: Maybe<string>;
  email?: Maybe<string>;
  username?: Maybe<string>;
  state?: Maybe<string>;
  division?: Maybe<{ id?: Maybe<string>; name?: Maybe<string> }>;
  department?: Maybe<string>;
  title?: Maybe<string>;
  manager?: Maybe<{ id?: Maybe<string> }>;
  authorization?: Maybe<{ roles?: Maybe<Array<{ id?: Maybe<string>; name?: Maybe<string> }>> }>;
  skills?: Maybe<
    Array<{ id?: Maybe<string>; name?: Maybe<string>; proficiency?: Maybe<number>; state?: Maybe<string> }>
  >;
  locations?: Maybe<
    Array<{ id?: Maybe<string>; locationDefinition?: Maybe<{ id?: Maybe<string>; name?: Maybe<string> }> }>
  >;
}

/**
 * Maps an API user to a {@link DirectoryUser}.
 *
 * Entries without an id are dropped (nothing can match them reliably). Skill assignments whose `state` is
 * present and not `active` are dropped too: a deactivated or deleted skill should not qualify a user for a
 * group. Empty strings are treated as absent, so `department: ''` never matches a rule.
 *
 * @throws Error when the user has no id, because membership is written by id and such a user is unusable.
 */
export function fromGenesysUser(apiUser: GenesysApiUser): DirectoryUser {
  const id = text(apiUser.id);
  if (id === undefined) throw new Error(`Genesys user without an id (name: ${JSON.stringify(apiUser.name ?? null)})`);
  const user: DirectoryUser = {
    id,
    name: text(apiUser.name) ?? '',
    state: text(apiUser.state) ?? 'unknown',
    roles: [],
    skills: [],
    locations: [],
  };
  setIfPresent(user, 'email', text(apiUser.email));
  setIfPresent(user, 'username', text(apiUser.username));
  setIfPresent(user, 'divisionId', text(apiUser.division?.id));
  setIfPresent(user, 'divisionName', text(apiUser.division?.name));
  setIfPresent(user, 'department', text(apiUser.department));
  setIfPresent(user, 'title', text(apiUser.title));
  setIfPresent(user, 'managerId', text(apiUser.manager?.id));

  for (const role of apiUser.authorization?.roles ?? []) {
    const roleId = text(role?.id);
    if (roleId !== undefined) user.roles.push({ id: roleId, name: text(role?.name) ?? '' });
  }
  for (const skill of apiUser.skills ?? []) {
    const skillId = text(skill?.id);
    const state = text(skill?.state);
    if (skillId === undefined || (state !== undefined && state !== 'active')) continue;
    const proficiency =
      typeof skill?.proficiency === 'number' && Number.isFinite(skill.proficiency) ? skill.proficiency : 0;
    user.skills.push({ id: skillId, name: text(skill?.name) ?? '', proficiency });
  }
  for (const location of apiUser.locations ?? []) {
    const locationId = text(location?.id) ?? text(location?.locationDefinition?.id);
    if (locationId !== undefined) {
      user.locations.push({ id: locationId, name: text(location?.locationDefinition?.name) ?? '' });
    }
  }
  return user;
}

function text(value: Maybe<string>): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// Optional fields are omitted rather than set to undefined so snapshots serialise and compare cleanly.
function setIfPresent<
  K extends 'email' | 'username' | 'divisionId' | 'divisionName' | 'department' | 'title' | 'managerId',
>(user: DirectoryUser, key: K, value: string | undefined): void {
  if (value !== undefined) user[key] = value;
}
