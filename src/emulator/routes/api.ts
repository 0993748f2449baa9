/**
 * `/api/v2/*`: route table, bearer authentication, rate limiting and fault injection, in that order, in front of
 * the handlers.
 */
import type { IncomingMessage } from 'node:http';
import { authenticationRequired, badCredentials, serverError, tooManyRequests } from '../errors';
import { getGroup, listGroups, listIndividuals, listMembers } from './groups';
import { addMembers, removeMembers } from './members';
import type { ApiRequest, Handler, Reply } from './types';
import { getAuthorizationSubject } from './authorization';
import { getUser, listUsers } from './users';
import { queryUsers } from './users-query';
import { searchUsers, searchUsersQ64 } from './users-search';

/** One entry of the route table. */
export interface RouteDef {
  method: string;
  template: string;
  segments: string[];
  handler: Handler;
  /** Whether calls are recorded in the write log. */
  write: boolean;
}

function route(method: string, template: string, handler: Handler): RouteDef {
  // Only member writes go to the write log; a search POST is a read.
  return {
    method,
    template,
    segments: template.split('/'),
    handler,
    write: method !== 'GET' && template.includes('/members'),
  };
}

const ROUTES: RouteDef[] = [
  route('GET', '/api/v2/users', listUsers),
  // Before `/users/{id}`: the first match wins.
  route('GET', '/api/v2/users/query', queryUsers),
  route('POST', '/api/v2/users/search', searchUsers),
  route('GET', '/api/v2/users/search', searchUsersQ64),
  route('GET', '/api/v2/users/{id}', getUser),
  route('GET', '/api/v2/groups', listGroups),
  route('GET', '/api/v2/groups/{id}', getGroup),
  route('GET', '/api/v2/groups/{id}/individuals', listIndividuals),
  route('GET', '/api/v2/groups/{id}/members', listMembers),
  route('POST', '/api/v2/groups/{id}/members', addMembers),
  route('DELETE', '/api/v2/groups/{id}/members', removeMembers),
  route('GET', '/api/v2/authorization/subjects/{id}', getAuthorizationSubject),
];

/** A matched route with its decoded path parameters. */
export interface RouteMatch {
  def: RouteDef;
  params: string[];
}

/** A decoded path segment, or undefined when its percent-encoding is malformed (the route then does not match). */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Matches `method path` against the route table; undefined when nothing matches. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  const parts = path.split('/');
  for (const def of ROUTES) {
    if (def.method !== method || def.segments.length !== parts.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = def.segments[i];
      if (seg === '{id}') {
        const param = safeDecode(parts[i]);
        if (param === undefined || param === '') ok = false;
        else params.push(param);
      } else if (seg !== parts[i]) ok = false;
    }
    if (ok) return { def, params };
  }
  return undefined;
}

/** Route key for call counts, e.g. `POST /api/v2/groups/{id}/members`. */
export function routeKey(method: string, match: RouteMatch | undefined): string {
  return match ? `${method} ${match.def.template}` : `${method} /api/v2/(unmatched)`;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

/**
 * Authenticates, rate-limits and injects faults, then runs the matched handler. Sets `r.ctx.rate` so every
 * answer (errors included) carries the token's budget. Throws ApiError for any refusal.
 */
export async function runApi(r: ApiRequest, path: string, match: RouteMatch): Promise<Reply> {
  const { state, ctx } = r;
  const token = bearerToken(r.req);
  if (token === undefined) throw authenticationRequired();
  const record = state.tokens.check(token);
  if (typeof record === 'string') throw badCredentials();
  r.clientId = record.clientId;
  const burst = state.faults.takeRateLimitBurst(path);
  if (burst !== undefined) {
    const peek = state.limiter.peek(token);
    ctx.rate = { allowed: false, count: peek.count, limit: peek.limit, resetSeconds: burst };
    throw tooManyRequests(burst, state.options.rateLimitPerMinute || undefined);
  }
  ctx.rate = state.limiter.take(token);
  if (!ctx.rate.allowed) throw tooManyRequests(ctx.rate.resetSeconds, state.options.rateLimitPerMinute);
  const failure = state.faults.takeServerError(path);
  if (failure !== undefined) throw serverError(failure);
  return match.def.handler(r);
}
