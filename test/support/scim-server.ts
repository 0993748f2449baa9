/**
 * A real SCIM 2.0 peer for tests: scimmy parses, validates and applies PatchOp bodies, scimmy-routers serves them on
 * express, and in-memory maps stand in for the IdP's directory. A wrong payload from our client therefore fails the
 * way it would against a real IdP, not the way a hand-written fake guesses it would.
 *
 * scimmy keeps resource declarations in a process-wide singleton, so the ingress/egress/degress handlers declared here
 * are stateless and find their server's maps through the router's per-request `context`. Several servers can run in
 * one test file at once.
 *
 * Gaps in scimmy 1.3.5 worked around here (not in the client under test):
 * - a PatchOp `add` of a member already present appends a second copy; ingress dedupes members by `value`;
 * - `?attributes=` / `?excludedAttributes=` on PATCH make scimmy read a projected resource and write it back whole,
 *   wiping members; those parameters are stripped from PATCH URLs before scimmy sees them;
 * - scimmy-routers casts `startIndex`/`count` by assigning into `req.query`, which Express 5 recomputes on every read,
 *   so list pagination is silently ignored; a query parser that casts them is installed instead;
 * - POST ignores a client-supplied `id` (it is read-only); tests create groups in-process with {@link
 *   ScimTestServer.createGroup}, which does keep the given id, so Genesys group ids map 1:1 to IdP ids.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

/** A member as stored by the test peer. */
export interface ScimTestMember {
  value: string;
  display?: string;
  type?: string;
}

/** A group as stored by the test peer. */
export interface ScimTestGroup {
  id: string;
  displayName: string;
  members: ScimTestMember[];
  created: Date;
  lastModified: Date;
}

/** A user as stored by the test peer. */
export interface ScimTestUser {
  id: string;
  userName: string;
  active: boolean;
}

/** One request as it reached the SCIM mount point (after JSON parsing, before any failure injection). */
export interface RecordedScimRequest {
  method: string;
  /** Path and query as sent, e.g. `/scim/v2/Groups/g1`. */
  url: string;
  headers: { contentType?: string; authorization?: string; accept?: string };
  /** Parsed JSON body; `undefined` if the Content-Type was not a JSON type or there was no body. */
  body: unknown;
}

/** Options for {@link startScimServer}. */
export interface ScimServerOptions {
  /** The only bearer token accepted; anything else answers 401. */
  token: string;
  /**
   * Reject (400 `invalidValue`, through scimmy's own error path) a write that adds a member who is not a stored user,
   * as many IdPs do. Members already in a group are not re-checked. Off by default.
   */
  requireKnownMembers?: boolean;
}

/** A running SCIM test peer. */
export interface ScimTestServer {
  /** e.g. `http://127.0.0.1:41234/scim/v2` — what the client gets as `SCIM_BASE_URL`. */
  baseUrl: string;
  /** Live view of the stored groups by id. */
  groups: ReadonlyMap<string, ScimTestGroup>;
  /** Live view of the stored users by id. */
  users: ReadonlyMap<string, ScimTestUser>;
  /** Every request to the SCIM mount point, in arrival order. */
  requests: RecordedScimRequest[];
  /** Member ids of a group in stored order, or `undefined` if there is no such group. */
  members(groupId: string): string[] | undefined;
  /** Creates a group with exactly this id (throws if it exists). Members may be ids or member objects. */
  createGroup(id: string, displayName: string, members?: ReadonlyArray<string | ScimTestMember>): ScimTestGroup;
  /** Creates a user with exactly this id (throws if it exists). */
  createUser(id: string, userName: string): ScimTestUser;
  /**
   * Answers the next `n` PATCH requests with `status` and a SCIM Error body instead of applying them, optionally with
   * a `Retry-After` header. Calls queue up in order.
   */
  failNext(status: number, n?: number, retryAfter?: number | string): void;
  /** Drops every failure still queued by {@link failNext}: the peer answers normally again. */
  clearFailures(): void;
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

interface Store {
  groups: Map<string, ScimTestGroup>;
  users: Map<string, ScimTestUser>;
  requireKnownMembers: boolean;
}

interface InjectedFailure {
  status: number;
  remaining: number;
  retryAfter?: string;
}

const MOUNT = '/scim/v2';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
// Query parameters that make scimmy's PATCH write back a projected resource (see the file comment).
const PATCH_PROJECTION_PARAMS = ['attributes', 'excludedAttributes'];

/** Starts a SCIM 2.0 peer on 127.0.0.1 with an ephemeral port. */
export async function startScimServer(options: ScimServerOptions): Promise<ScimTestServer> {
  const store: Store = {
    groups: new Map(),
    users: new Map(),
    requireKnownMembers: options.requireKnownMembers ?? false,
  };
  const requests: RecordedScimRequest[] = [];
  const failures: InjectedFailure[] = [];

  // Must precede the router's construction: it mounts endpoints only for resources declared by then.
  declareResources();

  const app = express();
  app.set('query parser', parseQuery);
  app.use(
    MOUNT,
    // Parsed here (the router's own parser then skips the consumed stream) so that injected failures are recorded too.
    express.json({ type: ['application/scim+json', 'application/json'] }),
    (req: Request, _res: Response, next: NextFunction) => {
      requests.push(record(req));
      next();
    },
    (req: Request, res: Response, next: NextFunction) => {
      const failure = failures[0];
      if (req.method !== 'PATCH' || failure === undefined) return next();
      if (--failure.remaining <= 0) failures.shift();
      if (failure.retryAfter !== undefined) res.setHeader('Retry-After', failure.retryAfter);
      res
        .status(failure.status)
        .type('application/scim+json')
        .send({ schemas: [ERROR_SCHEMA], status: String(failure.status), detail: 'injected failure' });
    },
    stripPatchProjection,
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req) => {
        if (req.header('authorization') !== `Bearer ${options.token}`) {
          throw new Error('Bearer token missing or not accepted');
        }
        return 'scim-test-client';
      },
      context: () => store,
    }),
  );
  // scimmy-routers forwards 5xx errors after answering; swallow them instead of letting express log and reset.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return;
    next(err);
  });

  const server = await listen(app);
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${MOUNT}`,
    groups: store.groups,
    users: store.users,
    requests,
    members: (groupId) => store.groups.get(groupId)?.members.map((m) => m.value),
    createGroup(id, displayName, members = []) {
      if (store.groups.has(id)) throw new Error(`group ${id} already exists`);
      const now = new Date();
      const group: ScimTestGroup = {
        id,
        displayName,
        members: dedupeMembers(members.map((m) => (typeof m === 'string' ? { value: m } : { ...m }))),
        created: now,
        lastModified: now,
      };
      store.groups.set(id, group);
      return group;
    },
    createUser(id, userName) {
      if (store.users.has(id)) throw new Error(`user ${id} already exists`);
      const user: ScimTestUser = { id, userName, active: true };
      store.users.set(id, user);
      return user;
    },
    failNext(status, n = 1, retryAfter) {
      if (n < 1) return;
      failures.push({ status, remaining: n, retryAfter: retryAfter === undefined ? undefined : String(retryAfter) });
    },
    clearFailures() {
      failures.splice(0);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function declareResources(): void {
  SCIMMY.Resources.declare(SCIMMY.Resources.User, {
    egress: (resource: SCIMMY.Resources.User, ctx: unknown) => {
      const { users } = storeOf(ctx);
      if (resource.id !== undefined) return userOut(found(users.get(resource.id), resource.id));
      const all = [...users.values()].map(userOut);
      return resource.filter ? resource.filter.match(all) : all;
    },
    ingress: (resource: SCIMMY.Resources.User, instance: SCIMMY.Schemas.User, ctx: unknown) => {
      const { users } = storeOf(ctx);
      const id = resource.id ?? randomUUID();
      if (resource.id !== undefined) found(users.get(id), id);
      const user: ScimTestUser = { id, userName: instance.userName, active: instance.active ?? true };
      users.set(id, user);
      return userOut(user);
    },
    degress: (resource: SCIMMY.Resources.User, ctx: unknown) => {
      const { users } = storeOf(ctx);
      if (resource.id === undefined || !users.delete(resource.id)) throw notFound(resource.id);
    },
  });

  SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
    egress: (resource: SCIMMY.Resources.Group, ctx: unknown) => {
      const { groups } = storeOf(ctx);
      if (resource.id !== undefined) return groupOut(found(groups.get(resource.id), resource.id));
      const all = [...groups.values()].map(groupOut);
      return resource.filter ? resource.filter.match(all) : all;
    },
    // scimmy hands ingress the whole resource after applying a PatchOp, so this is also the PATCH write path.
    ingress: (resource: SCIMMY.Resources.Group, instance: SCIMMY.Schemas.Group, ctx: unknown) => {
      const store = storeOf(ctx);
      const now = new Date();
      const members = dedupeMembers(
        (instance.members ?? []).map(({ value, display, type }) => ({ value, display, type })),
      );
      if (resource.id !== undefined) {
        const group = found(store.groups.get(resource.id), resource.id);
        checkNewMembers(store, group.members, members);
        Object.assign(group, { displayName: instance.displayName, members, lastModified: now });
        return groupOut(group);
      }
      checkNewMembers(store, [], members);
      const group: ScimTestGroup = {
        id: randomUUID(),
        displayName: instance.displayName,
        members,
        created: now,
        lastModified: now,
      };
      store.groups.set(group.id, group);
      return groupOut(group);
    },
    degress: (resource: SCIMMY.Resources.Group, ctx: unknown) => {
      const { groups } = storeOf(ctx);
      if (resource.id === undefined || !groups.delete(resource.id)) throw notFound(resource.id);
    },
  });
}

function stripPatchProjection(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'PATCH' && req.url.includes('?')) {
    const url = new URL(req.url, 'http://placeholder');
    for (const name of PATCH_PROJECTION_PARAMS) url.searchParams.delete(name);
    // Express 5 derives req.query from req.url on every access, so rewriting the URL is enough.
    req.url = url.pathname + url.search;
  }
  next();
}

function checkNewMembers(store: Store, before: ScimTestMember[], after: ScimTestMember[]): void {
  if (!store.requireKnownMembers) return;
  const known = new Set(before.map((m) => m.value));
  const unknown = after.find((m) => !known.has(m.value) && !store.users.has(m.value));
  if (unknown !== undefined) {
    throw new SCIMMY.Types.Error(400, 'invalidValue', `Member ${unknown.value} is not a known User`);
  }
}

function parseQuery(raw: string): Record<string, string | number> {
  const query: Record<string, string | number> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['startIndex', 'count']) {
    const value = query[key];
    if (typeof value === 'string' && /^[0-9]+$/.test(value)) query[key] = Number(value);
  }
  return query;
}

function dedupeMembers(members: ScimTestMember[]): ScimTestMember[] {
  const byValue = new Map<string, ScimTestMember>();
  for (const member of members) {
    if (byValue.has(member.value)) continue;
    const copy: ScimTestMember = { value: member.value };
    if (member.display !== undefined) copy.display = member.display;
    if (member.type !== undefined) copy.type = member.type;
    byValue.set(member.value, copy);
  }
  return [...byValue.values()];
}

function groupOut(group: ScimTestGroup) {
  return {
    id: group.id,
    displayName: group.displayName,
    members: group.members.map((m) => ({ ...m })),
    meta: { created: group.created, lastModified: group.lastModified },
  };
}

function userOut(user: ScimTestUser) {
  return { id: user.id, userName: user.userName, active: user.active };
}

function record(req: Request): RecordedScimRequest {
  return {
    method: req.method,
    url: req.originalUrl,
    headers: {
      contentType: req.header('content-type'),
      authorization: req.header('authorization'),
      accept: req.header('accept'),
    },
    body: req.body as unknown,
  };
}

function storeOf(ctx: unknown): Store {
  if (ctx === null || typeof ctx !== 'object' || !('groups' in ctx) || !('users' in ctx)) {
    throw new SCIMMY.Types.Error(500, '', 'SCIM test server context missing');
  }
  return ctx as Store;
}

function found<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw notFound(id);
  return value;
}

function notFound(id: string | undefined): Error {
  // Empty scimType: scimmy's ErrorResponse throws on a scimType the RFC does not pair with the status (none fits 404).
  return new SCIMMY.Types.Error(404, '', `Resource ${String(id)} not found`);
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}
