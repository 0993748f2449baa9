/**
 * Wire shapes of the test-control API under `/__emulator/`. Shared by the server, the in-process `EmulatorState`
 * methods and the fetch-based helper in `test/support/emulator-control.ts`. Not part of the Genesys API.
 */
import type { GeneratorRule } from './model';

/** Body of `POST /__emulator/faults`; every field is optional and merges into the active faults. */
export interface FaultSpec {
  /** Clear every fault before applying the rest of this spec. */
  clear?: boolean;
  /** The next `count` requests whose path starts with `pathPrefix` (default `/api/v2/`) answer 429. */
  rateLimitBurst?: { count: number; retryAfterSeconds: number; pathPrefix?: string };
  /** Share (0..1) of `/api/v2/*` requests answered with a 5xx ErrorBody; 0 turns it off. */
  serverErrorRatio?: number;
  /** Status used by `serverErrorRatio` (500, 502, 503 or 504). Default 500. */
  serverErrorStatus?: number;
  /** The next `count` requests under `pathPrefix` (default `/api/v2/`) answer `status` (default 503). */
  serverErrorBurst?: { count: number; status?: number; pathPrefix?: string };
  /** Delay added before answering every `/oauth/token` and `/api/v2/*` request; 0 turns it off. */
  latencyMs?: number;
  /** Member writes to `groupId` answer `status` (e.g. 403); `status: null` clears it. */
  groupStatus?: { groupId: string; status: number | null };
  /**
   * An edit by "someone else": changes the group's members and bumps its version, now or (with `onNextWrite`)
   * just before the next member write to that group, so that write answers 409.
   */
  concurrentEdit?: { groupId: string; addUserIds?: string[]; removeUserIds?: string[]; onNextWrite?: boolean };
  /**
   * Listing drift, once: right after serving page `afterPage` of a `GET /api/v2/users` listing (no `id` filter,
   * ascending), delete `deleteCount` users and create `createCount` users, all at seeded positions on the pages
   * already served. A deletion shifts later pages left (the first user of the next page is never listed); a creation
   * shifts them right (the last user of this page is listed again).
   */
  usersDrift?: UsersDriftFault;
  /**
   * Best-effort expand: from now on, a seeded share `ratio` of the users in any `/api/v2` user answer lose their
   * expanded fields (all requested ones, or only those in `fields`, e.g. `['authorization']`). `null` or ratio 0
   * turns it off.
   */
  expandDrop?: { ratio: number; fields?: ('authorization' | 'groups' | 'skills' | 'locations')[] } | null;
  /** A one-off anomaly on page `pageNumber` of the next `GET /api/v2/users` listing (see {@link UsersPageFault}). */
  usersPage?: UsersPageFault;
  /**
   * The next `count` `POST /oauth/token` answer as a throttled token endpoint: `429` (ErrorBody + `Retry-After`,
   * default) or `400` (`{"error":"invalid_request","description":"rate limit exceeded; ..."}`).
   */
  tokenThrottle?: { count: number; shape?: '429' | '400'; retryAfterSeconds?: number };
}

/** See {@link FaultSpec.usersDrift}. */
export interface UsersDriftFault {
  /** Page number after which the directory changes (1 = after page 1). */
  afterPage: number;
  deleteCount?: number;
  createCount?: number;
  /** Which listing triggers it (`state` query value). Default `active`. */
  state?: 'active' | 'inactive' | 'any';
}

/**
 * See {@link FaultSpec.usersPage}. Variants: `empty` (`entities: []`, normal `nextUri`/`total`/`pageCount`),
 * `emptyWithoutNextUri` (`entities: []` and no `nextUri`), `short` (the last `shortBy`, default 1, entities
 * dropped), `totals` (`total` moved by `totalDelta`, default -1, and `pageCount` recomputed from it).
 */
export interface UsersPageFault {
  pageNumber: number;
  variant: 'empty' | 'emptyWithoutNextUri' | 'short' | 'totals';
  shortBy?: number;
  totalDelta?: number;
}

/** What one fired {@link UsersDriftFault} did (reported in the faults snapshot, newest last). */
export interface DriftEvent {
  afterPage: number;
  pageSize: number;
  deletedUserIds: string[];
  createdUserIds: string[];
}

/** Body of `POST /__emulator/config`: behaviour switches changed at runtime (restored by a reset). */
export interface RuntimeConfig {
  activeResultWindow?: number;
  inactiveResultWindow?: number;
  ruleMemberDelete?: 'ignore' | 'reject';
  memberCount?: 'individuals' | 'members';
  groupRolesInUserAuthorization?: boolean;
  /** See `EmulatorOptions.userViewDivisions`; `[]` = every division. */
  userViewDivisions?: string[];
  /** See `EmulatorOptions.individualsPageSize`; 0 = every individual on one page. */
  individualsPageSize?: number;
  rateLimitPerMinute?: number;
  missingVersion?: 'reject' | 'current';
  noopWritesBumpVersion?: boolean;
}

/** Body of `POST /__emulator/groups/{id}/native`: fields left out keep their value. */
export interface NativeMembershipSpec {
  /** Users a native membership rule adds (shown by `/members`, not `/individuals`). */
  ruleMemberIds?: string[];
  ownerIds?: string[];
  /** Owners count as members (in `/members`). */
  includeOwners?: boolean;
}

/** Body of `POST /__emulator/groups/{id}/grants`: roles and divisions by name or id (division default `Home`). */
export interface GrantsSpec {
  grants: { role: string; division?: string }[];
  /** Append to the group's grants instead of replacing them. */
  add?: boolean;
}

/** Active faults as reported by `GET /__emulator/faults` and inside the state snapshot. */
export interface FaultsSnapshot {
  latencyMs: number;
  serverErrorRatio: number;
  serverErrorStatus: number;
  rateLimitBursts: { remaining: number; retryAfterSeconds: number; pathPrefix: string }[];
  serverErrorBursts: { remaining: number; status: number; pathPrefix: string }[];
  groupStatus: Record<string, number>;
  pendingConcurrentEdits: Record<string, number>;
  expandDrop: { ratio: number; fields: string[] | undefined } | null;
  usersDrift: UsersDriftFault[];
  usersPage: UsersPageFault[];
  tokenThrottle: { remaining: number; shape: '429' | '400'; retryAfterSeconds: number }[];
  /** Drift faults that fired, oldest first (cleared with the faults). */
  driftEvents: DriftEvent[];
}

/** One group in the state snapshot. */
export interface GroupSnapshot {
  id: string;
  name: string;
  version: number;
  memberCount: number;
  dateModified: string;
  /** Individual member ids in insertion order (omitted with `?members=false`). */
  members?: string[];
  generatorRule?: GeneratorRule;
  /** Present when set: native rule-added members, owners, includeOwners, role grants. */
  ruleMembers?: string[];
  owners?: string[];
  includeOwners?: boolean;
  grants?: { role: { id: string; name: string }; division: { id: string; name: string } }[];
}

/** Body of `GET /__emulator/state`. */
export interface StateSnapshot {
  seed: number;
  users: { total: number; active: number; inactive: number; deleted: number };
  groups: GroupSnapshot[];
  tokens: { total: number; active: number; expired: number; revoked: number };
  catalog: {
    roles: { id: string; name: string }[];
    divisions: { id: string; name: string }[];
    departments: string[];
    titles: string[];
    locations: { id: string; name: string }[];
    skills: { id: string; name: string }[];
  };
  faults: FaultsSnapshot;
  config: {
    clientId: string;
    /** Ids of the extra OAuth clients (never secrets). */
    extraClientIds: string[];
    rateLimitPerMinute: number;
    rateLimitWindowSeconds: number;
    tokenLifetimeSeconds: number;
    activeResultWindow: number;
    inactiveResultWindow: number;
    ruleMemberDelete: 'ignore' | 'reject';
    memberCount: 'individuals' | 'members';
    groupRolesInUserAuthorization: boolean;
    userViewDivisions: string[];
    individualsPageSize: number;
    missingVersion: 'reject' | 'current';
    noopWritesBumpVersion: boolean;
  };
}

/** One logged write (member POST/DELETE through the API, or an injected concurrent edit). */
export interface WriteLogEntry {
  seq: number;
  /** ISO-8601 time the answer was sent. */
  at: string;
  /** `api` for requests, `external` for injected concurrent edits. */
  source: 'api' | 'external';
  method: string;
  /** Route key, e.g. `POST /api/v2/groups/{id}/members`. */
  route: string;
  groupId?: string;
  status: number;
  /** User ids named by the request (or edit). */
  userIds: string[];
  versionBefore?: number;
  versionAfter?: number;
  correlationId?: string;
}

/** Body of `GET /__emulator/calls`. */
export interface CallsReport {
  /** Requests per route key, e.g. `{"GET /api/v2/users": 3, "POST /api/v2/groups/{id}/members": 2}`. */
  counts: Record<string, number>;
  /** Requests per route key and status, e.g. `{"POST /api/v2/groups/{id}/members": {"202": 1, "409": 1}}`. */
  statuses: Record<string, Record<string, number>>;
  total: number;
  /** 429 answers: total and per route key (the token endpoint included). */
  rateLimited: { total: number; byRoute: Record<string, number> };
  /** `/api/v2` requests per OAuth client id (of the bearer token) and how many of them got 429. */
  clients: Record<string, { calls: number; rateLimited: number }>;
  /** Chronological write log (the most recent entries, capped). */
  writes: WriteLogEntry[];
}

/** Body of `POST /__emulator/users`. Unknown role/division/location/skill names are added to the catalog. */
export interface UserFixture {
  id?: string;
  name: string;
  email?: string;
  username?: string;
  state?: 'active' | 'inactive' | 'deleted';
  title?: string;
  department?: string;
  /** Division name or id; default `Home`. */
  division?: string;
  /** Role names or ids; default `['Employee']`. */
  roles?: string[];
  skills?: { name: string; proficiency?: number }[];
  /** Location names or ids. */
  locations?: string[];
  managerId?: string;
}

/** Body of `POST /__emulator/groups`. */
export interface GroupFixture {
  id?: string;
  name: string;
  description?: string;
  type?: 'official' | 'social';
  visibility?: 'public' | 'owners' | 'members';
  memberIds?: string[];
  version?: number;
  ruleMemberIds?: string[];
  ownerIds?: string[];
  includeOwners?: boolean;
}

/** Body of `POST /__emulator/reset`; omitted fields keep the values the emulator started with. */
export interface ResetSpec {
  seed?: number;
  users?: number;
  groups?: number;
  inactiveUsers?: number;
  /** Generator density knob (see `EmulatorOptions.membershipsPerUser`). */
  membershipsPerUser?: number;
  /** Generator drift (see `EmulatorOptions.drift`); `null` restores the historical ratios. */
  drift?: number | null;
  /** Also revoke every issued token. Default false (tokens stay valid; their rate-limit windows restart). */
  revokeTokens?: boolean;
}

/** Answer of `POST /__emulator/groups`: the Genesys Group object plus its individual member ids. */
export interface CreatedGroup {
  id: string;
  name: string;
  description: string;
  dateModified: string;
  memberCount: number;
  state: string;
  version: number;
  type: string;
  rulesVisible: boolean;
  visibility: string;
  selfUri: string;
  members: string[];
}

/** Answer of `POST /__emulator/users`: the Genesys User object with authorization, groups, skills, locations. */
export interface CreatedUser {
  id: string;
  name: string;
  email: string;
  state: string;
  title: string;
  department: string;
  division: { id: string; name: string; selfUri: string };
  authorization: { roles: { id: string; name: string }[] };
  [field: string]: unknown;
}
