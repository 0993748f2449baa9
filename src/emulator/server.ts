/**
 * The emulator's `node:http` server: one port for `POST /oauth/token`, `/api/v2/*` and the `/__emulator/*`
 * control API. Kept free of frameworks so it can answer many thousands of small requests per second on one core.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError, notFound, serverError, tooManyRequests } from './errors';
import { parseQuery } from './http/query';
import { type ResponseContext, sendError, sendJson } from './http/respond';
import { matchRoute, routeKey, runApi } from './routes/api';
import { handleControl } from './routes/control';
import { issueToken, oauthError } from './routes/oauth';
import type { ApiRequest } from './routes/types';
import type { EmulatorState } from './state';

const TOKEN_PATH = '/oauth/token';
const TOKEN_ROUTE = 'POST /oauth/token';

/** Answers `err` (an ApiError, or a bug reported as 500) and returns the status sent. */
function fail(state: EmulatorState, res: ServerResponse, ctx: ResponseContext, err: unknown): number {
  let apiError: ApiError;
  if (err instanceof ApiError) {
    apiError = err;
  } else {
    state.options.logger.warn({ err: String(err), correlationId: ctx.correlationId }, 'emulator bug');
    apiError = serverError(500);
  }
  if (res.headersSent) res.destroy();
  else sendError(res, ctx, apiError);
  return apiError.status;
}

async function handleToken(state: EmulatorState, req: IncomingMessage, res: ServerResponse, ctx: ResponseContext) {
  const route = req.method === 'POST' ? TOKEN_ROUTE : `${req.method ?? 'GET'} ${TOKEN_PATH}`;
  let status: number;
  try {
    if (req.method !== 'POST') throw notFound();
    const throttle = state.faults.takeTokenThrottle();
    if (throttle?.shape === '400') {
      // The shape CX as Code string-matches: "invalid_request (rate limit exceeded;" (reference §1.1).
      const reply = oauthError('invalid_request', 'rate limit exceeded; try again later');
      sendJson(res, ctx, reply.status, reply.body);
      state.calls.count(route, reply.status);
      return;
    }
    if (throttle) {
      ctx.rate = { ...ctx.rate, allowed: false, resetSeconds: throttle.retryAfterSeconds };
      throw tooManyRequests(throttle.retryAfterSeconds);
    }
    const burst = state.faults.takeRateLimitBurst(TOKEN_PATH);
    if (burst !== undefined) {
      ctx.rate = { ...ctx.rate, allowed: false, resetSeconds: burst };
      throw tooManyRequests(burst);
    }
    const failure = state.faults.takeServerError(TOKEN_PATH);
    if (failure !== undefined) throw serverError(failure);
    const reply = await issueToken(state, req);
    sendJson(res, ctx, reply.status, reply.body);
    status = reply.status;
  } catch (err) {
    status = fail(state, res, ctx, err);
  }
  state.calls.count(route, status);
}

async function handleApi(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResponseContext,
  path: string,
  search: string,
) {
  const method = req.method ?? 'GET';
  const match = matchRoute(method, path);
  const route = routeKey(method, match);
  let status: number;
  let request: ApiRequest | undefined;
  try {
    if (!match) throw notFound();
    request = { req, state, ctx, params: match.params, query: parseQuery(search) };
    const reply = await runApi(request, path, match);
    sendJson(res, ctx, reply.status, reply.body);
    status = reply.status;
  } catch (err) {
    status = fail(state, res, ctx, err);
  }
  state.calls.count(route, status, request?.clientId);
  if (match?.def.write) {
    const note = request?.write ?? { groupId: match.params[0], userIds: [] };
    state.logWrite({ source: 'api', method, route, status, correlationId: ctx.correlationId, ...note });
  }
}

async function handleControlRequest(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResponseContext,
  path: string,
  search: string,
) {
  try {
    const reply = await handleControl(state, req, req.method ?? 'GET', path, parseQuery(search));
    sendJson(res, ctx, reply.status, reply.body);
  } catch (err) {
    fail(state, res, ctx, err);
  }
}

async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? '' : url.slice(q + 1);
  const ctx: ResponseContext = { correlationId: randomUUID(), rate: state.limiter.peek(undefined) };
  if (path.startsWith('/__emulator/')) return handleControlRequest(state, req, res, ctx, path, search);
  state.requestsInFlight += 1;
  try {
    const latency = state.faults.latencyMs;
    if (latency > 0) await delay(latency);
    if (path === TOKEN_PATH) return await handleToken(state, req, res, ctx);
    if (path.startsWith('/api/v2/')) return await handleApi(state, req, res, ctx, path, search);
    state.calls.count(`${req.method ?? 'GET'} (unmatched)`, 404);
    sendError(res, ctx, notFound());
  } finally {
    state.requestsInFlight -= 1;
  }
}

/** Creates (but does not start) the HTTP server for `state`. */
export function createEmulatorServer(state: EmulatorState): Server {
  const server = createServer((req, res) => {
    handle(state, req, res).catch((err: unknown) =>
      fail(state, res, { correlationId: randomUUID(), rate: state.limiter.peek(undefined) }, err),
    );
  });
  // Longer than typical client idle timeouts so pooled keep-alive sockets are not cut mid-reuse.
  server.keepAliveTimeout = 65_000;
  return server;
}
