/**
 * In-memory records the emulator serves. Records hold references to shared catalog entries so that an org of
 * 200,000 users stays small; the wire shapes are built on demand in `serialize.ts`.
 */

/** Something with an id and a display name (roles, divisions, skills, location definitions). */
export interface NamedEntity {
  readonly id: string;
  readonly name: string;
}

/** User states as Genesys reports them. */
export type UserState = 'active' | 'inactive' | 'deleted';

/** A routing skill held by one user. */
export interface UserSkill {
  readonly skill: NamedEntity;
  readonly proficiency: number;
}

/** One directory user. */
export interface UserRecord {
  readonly id: string;
  name: string;
  email: string;
  username: string;
  state: UserState;
  title: string;
  department: string;
  division: NamedEntity;
  managerId?: string;
  version: number;
  roles: NamedEntity[];
  skills: UserSkill[];
  locations: NamedEntity[];
}

/**
 * The rule a generated group's initial membership was drawn from (before drift), so tests and demos can write
 * reconciliation rules that match the seeded org. Not part of the Genesys API.
 */
export interface GeneratorRule {
  readonly attribute: 'department' | 'role' | 'division' | 'titleContains' | 'location' | 'skill';
  readonly value: string;
}

/** A role granted to a group (the group is the grant's subject), in one division. */
export interface RoleGrant {
  readonly role: NamedEntity;
  readonly division: NamedEntity;
}

/**
 * One directory group; `members` holds the individually added user ids in insertion order. `ruleMembers` (users a
 * native membership rule adds), `owners` and `includeOwners` are the Genesys-native memberships that only
 * `/members` shows; `grants` are roles the group gives its members. All four are optional so generated groups
 * stay small.
 */
export interface GroupRecord {
  readonly id: string;
  name: string;
  description: string;
  type: 'official' | 'social';
  visibility: 'public' | 'owners' | 'members';
  rulesVisible: boolean;
  state: 'active' | 'inactive' | 'deleted';
  version: number;
  /** Epoch milliseconds. */
  dateModified: number;
  members: Set<string>;
  generatorRule?: GeneratorRule;
  /** Users added by a native membership rule (dynamic members), not individually. */
  ruleMembers?: Set<string>;
  /** Group owners; members too (in `/members` only) when `includeOwners`. */
  owners?: Set<string>;
  includeOwners?: boolean;
  /** Roles (with divisions) granted to the group as a subject. */
  grants?: RoleGrant[];
}

/** Names and ids the generator drew from; exposed so rules can be written against a seeded org. */
export interface Catalog {
  readonly roles: readonly NamedEntity[];
  readonly divisions: readonly NamedEntity[];
  readonly departments: readonly string[];
  readonly titles: readonly string[];
  readonly locations: readonly NamedEntity[];
  readonly skills: readonly NamedEntity[];
}

/** A whole generated organisation. */
export interface Org {
  readonly catalog: Catalog;
  readonly users: UserRecord[];
  readonly groups: GroupRecord[];
}
