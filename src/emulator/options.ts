/**
 * Emulator options and their documented defaults. Options beyond the core set select the behaviour used where
 * the Genesys reference is UNCONFIRMED (see README.md in this folder).
 */
import pino from 'pino';

/** Minimal logger the emulator writes to (a subset of pino's API). */
export interface EmulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** How `POST /api/v2/groups/{id}/members` treats a body without `version`. */
export type MissingVersionPolicy = 'reject' | 'current';

/** What a DELETE of a member that is only rule-added (or only an included owner) does. UNCONFIRMED in Genesys. */
export type RuleMemberDeletePolicy = 'ignore' | 'reject';

/** What a group's `memberCount` counts: individual adds only, or every member `/members` lists. UNCONFIRMED. */
export type MemberCountPolicy = 'individuals' | 'members';

/** An extra OAuth client the token endpoint accepts (each of its tokens has its own rate-limit bucket). */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
}

/** Options of {@link startEmulator}; every field is optional. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free port. Default 0 for `startEmulator`, 8089 for the CLI. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Seed of the generated org. Default 1. */
  seed?: number;
  /** Active users to generate. Default 500. */
  users?: number;
  /** Groups to generate. Default 20. */
  groups?: number;
  /** OAuth client id accepted by `POST /oauth/token`. Default `gcsync-local`. */
  clientId?: string;
  /** OAuth client secret. Default `gcsync-local-secret` (a local development value, not a secret). */
  clientSecret?: string;
  /** Requests per token per window; 0 = unthrottled (headers are still sent). Default 300. */
  rateLimitPerMinute?: number;
  /** `expires_in` of issued tokens. Default 86399. */
  tokenLifetimeSeconds?: number;
  /** Suppress the emulator's own logs. Default false. */
  quiet?: boolean;

  /** Extra users in state `inactive` (listed only with `state=inactive|any`). Default 0. */
  inactiveUsers?: number;
  /** Length of the fixed rate-limit window in seconds. Default 60. */
  rateLimitWindowSeconds?: number;
  /** Largest accepted `pageSize`; larger values get 400 `bad.request`. Default 500. */
  maxPageSize?: number;
  /** `reject` (400) or `current` (treat as the current version) when a member POST omits `version`. Default `reject`. */
  missingVersion?: MissingVersionPolicy;
  /** Whether a member write that changes nothing still bumps the group version. Default false. */
  noopWritesBumpVersion?: boolean;
  /** Body of the 202 answers to member writes: nothing, or `{}`. Default `empty`. */
  writeResponseBody?: 'empty' | 'object';
  /** Serve `/__emulator/*` to non-loopback clients too (e.g. inside a container network). Default false. */
  allowRemoteControl?: boolean;
  /**
   * `GET /api/v2/users?state=active`: a page whose `pageNumber * pageSize` exceeds this answers 400 (0 = no
   * window). Default 0: whether the real service has a window for active users is UNCONFIRMED.
   */
  activeResultWindow?: number;
  /** The same window for `state=inactive` listings (confirmed at 10,000 by CX as Code). 0 = none. Default 10000. */
  inactiveResultWindow?: number;
  /** More OAuth clients to accept besides `clientId` (for token pools). Default none. */
  extraClients?: EmulatorClient[];
  /** DELETE of a member who is only rule-added / an included owner: `ignore` (202, no effect) or `reject` (400). */
  ruleMemberDelete?: RuleMemberDeletePolicy;
  /** What `memberCount` on a group counts: `individuals` (default) or all `members` (rules, included owners). */
  memberCount?: MemberCountPolicy;
  /** Whether `expand=authorization` lists roles a user gets through a group grant. Default false (UNCONFIRMED). */
  groupRolesInUserAuthorization?: boolean;
  /**
   * Divisions (names or ids) whose users the API's OAuth clients may view (`directory:user:view` granted in those
   * divisions only). Users of other divisions are left out of `/users` listings and id lookups and of
   * `/users/search`, `/users/{id}` answers 404, and the cursor listing `/users/query` (which needs the permission in
   * every division) answers 403. Group `/individuals` still lists their ids. Default `[]`: every division.
   */
  userViewDivisions?: string[];
  /**
   * `GET /groups/{id}/individuals` of a group with more individual members than this answers only the first this
   * many, with `total`, `pageCount` and a `nextUri` saying there are more (the endpoint takes no paging parameters,
   * so the rest cannot be read). 0 = every individual on one page. Default 0: whether the real service caps or
   * pages very large groups there is UNCONFIRMED.
   */
  individualsPageSize?: number;
  /**
   * Generator: when > 0, every generated group selects one of `groups` generated "cohort" skills and each user holds
   * about this many of them, so each user matches about this many groups' rules. Default 0 (today's org).
   */
  membershipsPerUser?: number;
  /**
   * Generator: share (0..1) of a group's wanted members that are missing and, as a share of the same, outsiders
   * present. Default unset: 10 % missing and 2 % outsiders (today's org).
   */
  drift?: number;
  /** Logger; default is pino on stderr. Ignored when `quiet`. */
  logger?: EmulatorLogger;
  /** Clock in epoch ms, for tests that exercise expiry and windows. Default `Date.now`. */
  now?: () => number;
}

/** The documented defaults (the CLI shows these in `gcsync emulator --help`). */
export const EMULATOR_DEFAULTS = {
  /** Default port of the `gcsync emulator` CLI; `startEmulator()` without a port picks a free one. */
  port: 8089,
  host: '127.0.0.1',
  seed: 1,
  users: 500,
  groups: 20,
  clientId: 'gcsync-local',
  clientSecret: 'gcsync-local-secret',
  rateLimitPerMinute: 300,
  tokenLifetimeSeconds: 86399,
  inactiveUsers: 0,
  rateLimitWindowSeconds: 60,
  maxPageSize: 500,
  missingVersion: 'reject' as MissingVersionPolicy,
  noopWritesBumpVersion: false,
  writeResponseBody: 'empty' as 'empty' | 'object',
  activeResultWindow: 0,
  inactiveResultWindow: 10_000,
  ruleMemberDelete: 'ignore' as RuleMemberDeletePolicy,
  memberCount: 'individuals' as MemberCountPolicy,
  groupRolesInUserAuthorization: false,
  membershipsPerUser: 0,
  userViewDivisions: [] as readonly string[],
  individualsPageSize: 0,
} as const;

/** Options with every behaviour field filled in. */
export type ResolvedOptions = Required<Omit<EmulatorOptions, 'logger' | 'port' | 'drift'>> & {
  port: number;
  logger: EmulatorLogger;
  /** Undefined keeps the generator's historical drift ratios. */
  drift: number | undefined;
};

const silentLogger: EmulatorLogger = { info: () => undefined, warn: () => undefined };

function defaultLogger(): EmulatorLogger {
  // stderr keeps stdout free for the URL line that scripts read.
  return pino({ name: 'gcsync-emulator' }, pino.destination(2));
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`emulator option ${name} must be an integer >= 0`);
  return value;
}

/** Fills defaults and validates numbers; throws `RangeError` on nonsense. */
export function resolveOptions(opts: EmulatorOptions = {}): ResolvedOptions {
  const d = EMULATOR_DEFAULTS;
  const resolved: ResolvedOptions = {
    port: nonNegativeInt('port', opts.port ?? 0),
    host: opts.host ?? d.host,
    seed: Math.trunc(opts.seed ?? d.seed),
    users: nonNegativeInt('users', opts.users ?? d.users),
    groups: nonNegativeInt('groups', opts.groups ?? d.groups),
    clientId: opts.clientId ?? d.clientId,
    clientSecret: opts.clientSecret ?? d.clientSecret,
    rateLimitPerMinute: nonNegativeInt('rateLimitPerMinute', opts.rateLimitPerMinute ?? d.rateLimitPerMinute),
    tokenLifetimeSeconds: nonNegativeInt('tokenLifetimeSeconds', opts.tokenLifetimeSeconds ?? d.tokenLifetimeSeconds),
    quiet: opts.quiet ?? false,
    inactiveUsers: nonNegativeInt('inactiveUsers', opts.inactiveUsers ?? d.inactiveUsers),
    rateLimitWindowSeconds: nonNegativeInt(
      'rateLimitWindowSeconds',
      opts.rateLimitWindowSeconds ?? d.rateLimitWindowSeconds,
    ),
    maxPageSize: nonNegativeInt('maxPageSize', opts.maxPageSize ?? d.maxPageSize),
    missingVersion: opts.missingVersion ?? d.missingVersion,
    noopWritesBumpVersion: opts.noopWritesBumpVersion ?? d.noopWritesBumpVersion,
    writeResponseBody: opts.writeResponseBody ?? d.writeResponseBody,
    allowRemoteControl: opts.allowRemoteControl ?? false,
    activeResultWindow: nonNegativeInt('activeResultWindow', opts.activeResultWindow ?? d.activeResultWindow),
    inactiveResultWindow: nonNegativeInt('inactiveResultWindow', opts.inactiveResultWindow ?? d.inactiveResultWindow),
    extraClients: (opts.extraClients ?? []).map((c) => ({ ...c })),
    ruleMemberDelete: opts.ruleMemberDelete ?? d.ruleMemberDelete,
    memberCount: opts.memberCount ?? d.memberCount,
    groupRolesInUserAuthorization: opts.groupRolesInUserAuthorization ?? d.groupRolesInUserAuthorization,
    userViewDivisions: [...(opts.userViewDivisions ?? d.userViewDivisions)],
    individualsPageSize: nonNegativeInt('individualsPageSize', opts.individualsPageSize ?? d.individualsPageSize),
    membershipsPerUser: nonNegativeInt('membershipsPerUser', opts.membershipsPerUser ?? d.membershipsPerUser),
    drift: opts.drift,
    logger: opts.quiet ? silentLogger : (opts.logger ?? defaultLogger()),
    now: opts.now ?? Date.now,
  };
  if (resolved.port > 65535) throw new RangeError('emulator option port must be <= 65535');
  if (resolved.rateLimitWindowSeconds === 0) throw new RangeError('emulator option rateLimitWindowSeconds must be > 0');
  if (resolved.maxPageSize === 0) throw new RangeError('emulator option maxPageSize must be > 0');
  if (resolved.clientId === '' || resolved.clientSecret === '') {
    throw new RangeError('emulator options clientId and clientSecret must not be empty');
  }
  const ids = new Set([resolved.clientId]);
  for (const c of resolved.extraClients) {
    if (c.clientId === '' || c.clientSecret === '')
      throw new RangeError('emulator extraClients need an id and a secret');
    if (ids.has(c.clientId)) throw new RangeError(`emulator client id ${c.clientId} is configured twice`);
    ids.add(c.clientId);
  }
  if (resolved.drift !== undefined && !(resolved.drift >= 0 && resolved.drift <= 1)) {
    throw new RangeError('emulator option drift must be between 0 and 1');
  }
  return resolved;
}
