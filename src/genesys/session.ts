/**
 * One OAuth token's life: logging in (retrying a throttled token endpoint, never a refused credential), logging
 * in again ahead of expiry or after a 401 (one re-login shared by every concurrent caller), and sending single
 * requests through the token's own pacer. Independent of the SDK: the login and the request are functions, so
 * the logic is unit-tested with a fake clock.
 */
import { GenesysApiError, GenesysAuthError, toGenesysApiError } from './api-error';
import { classifyGenesysError } from './errors';
import { normalizeHeaders, readRateLimit, type ResponseHeaders } from './headers';
import type { RateLimitPacer } from './pacer';
import { waitWithHooks, type WaitClock, type WaitHooks } from './wait';

/** A successful call: status and lower-cased headers (for `inin-ratelimit-*`) alongside the typed body. */
export interface GenesysResponse<T> {
  status: number;
  headers: ResponseHeaders;
  body: T;
}

/** Minimal structured logger (pino-compatible). */
export interface GenesysClientLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What a successful login resolves with (the SDK's `authData`). */
export interface LoginResult {
  tokenExpiryTime: number;
  tokenExpiryTimeString?: string;
}

/** Settings of a {@link GenesysSession}. */
export interface SessionOptions {
  clock: WaitClock;
  logger: GenesysClientLogger;
  /** Log in again this long before the token expires, rather than waiting for a 401. */
  refreshBeforeExpiryMs: number;
  /**
   * How long a login keeps retrying a throttled token endpoint (429, or 400 `invalid_request` "rate limit
   * exceeded") before giving up with the (retryable) throttling error.
   */
  loginBudgetMs: number;
}

/** Back-off of a throttled login without `Retry-After`: 3 s, doubling, at most 30 s per wait. */
const LOGIN_BACKOFF_MS = 3_000;
const LOGIN_BACKOFF_MAX_MS = 30_000;

/** A token and the SDK APIs bound to it. */
export class GenesysSession<A> {
  /** Bumped on every successful login; lets concurrent 401s share one re-login. */
  private generationNo = 0;
  private loginInFlight: Promise<void> | undefined;
  /** When to log in again proactively (before the token expires). */
  private refreshAt = 0;

  constructor(
    readonly clientId: string,
    /** The APIs bound to this session's token. */
    readonly api: A,
    readonly pacer: RateLimitPacer,
    private readonly loginFn: () => Promise<LoginResult>,
    private readonly opts: SessionOptions,
  ) {}

  /** Changes with every successful login. */
  get generation(): number {
    return this.generationNo;
  }

  /** Logs in (or joins a login already under way). */
  login(hooks?: WaitHooks): Promise<void> {
    this.loginInFlight ??= this.loginWithRetry(hooks).finally(() => (this.loginInFlight = undefined));
    return this.loginInFlight;
  }

  /** Logs in again if the token is near its expiry. */
  async ensureFresh(hooks?: WaitHooks): Promise<void> {
    if (this.opts.clock.now() >= this.refreshAt) await this.reloginIfStale(this.generationNo, hooks);
  }

  /** Logs in again unless another caller already did since `seenGeneration`. */
  reloginIfStale(seenGeneration: number, hooks?: WaitHooks): Promise<void> {
    if (this.generationNo !== seenGeneration) return Promise.resolve();
    return this.login(hooks);
  }

  /**
   * Sends one request once the pacer allows it and feeds the answer back to the pacer.
   *
   * @throws {@link GenesysApiError} for any failed request; `PacerDeadlineError` when the pacer's slot lies past
   * `deadline`; the cancellation reason when the caller is cancelled while waiting.
   */
  async send<T>(
    fn: (api: A) => Promise<T>,
    hooks: WaitHooks | undefined,
    deadline: number,
  ): Promise<GenesysResponse<T>> {
    const ticket = await this.pacer.acquire(hooks, deadline);
    let raw: unknown;
    try {
      raw = await fn(this.api);
    } catch (rejection) {
      const err = toGenesysApiError(rejection);
      this.pacer.settle(ticket, {
        rateLimit: err.rateLimit,
        retryAfterSeconds: err.retryAfterSeconds,
        status: err.status,
      });
      throw err;
    }
    const response = toResponse<T>(raw);
    this.pacer.settle(ticket, { rateLimit: readRateLimit(response.headers), status: response.status });
    return response;
  }

  private async loginWithRetry(hooks: WaitHooks | undefined): Promise<void> {
    const { clock, logger, loginBudgetMs } = this.opts;
    const started = clock.now();
    for (let attempt = 1; ; attempt++) {
      let err: GenesysApiError;
      try {
        const auth = await this.loginFn();
        // Refresh ahead of expiry, but never more than half-way through a (short, e.g. test) token's life.
        const lifetime = Math.max(0, auth.tokenExpiryTime - clock.now());
        this.refreshAt = auth.tokenExpiryTime - Math.min(this.opts.refreshBeforeExpiryMs, lifetime / 2);
        this.generationNo += 1;
        logger.info({ clientId: this.clientId, expiresAt: auth.tokenExpiryTimeString }, 'Genesys login ok');
        return;
      } catch (rejection) {
        err = toLoginError(rejection, this.clientId);
      }
      const { kind, retryAfterSeconds } = classifyGenesysError(err);
      if (kind !== 'rate-limited') throw err; // refused credentials, server or network: not ours to retry here
      const waitMs =
        retryAfterSeconds !== undefined
          ? retryAfterSeconds * 1000
          : Math.min(LOGIN_BACKOFF_MS * 2 ** (attempt - 1), LOGIN_BACKOFF_MAX_MS);
      if (clock.now() + waitMs - started > loginBudgetMs) throw err;
      logger.warn(
        { clientId: this.clientId, status: err.status, code: err.code, attempt, waitMs },
        'Genesys token endpoint throttled; retrying the login',
      );
      await waitWithHooks(clock, waitMs, hooks);
    }
  }
}

/** Login failures reject with the raw axios error, whose request config holds the Basic credentials: keep none of it. */
export function toLoginError(rejection: unknown, clientId: string): GenesysApiError {
  const err = toGenesysApiError(rejection);
  const oauthError = err.code ?? '';
  const refused =
    err.status === 401 || (err.status === 400 && ['invalid_client', 'unauthorized_client'].includes(oauthError));
  if (!refused) return err;
  const reason = describeOauthBody(err.body) ?? (oauthError || 'credentials refused');
  return new GenesysAuthError({
    status: err.status,
    code: err.code,
    message: `Genesys login failed for client ${clientId}: ${reason}`,
    correlationId: err.correlationId,
    headers: err.headers,
    body: err.body,
  });
}

function describeOauthBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const text = b.error_description ?? b.description ?? b.message;
  return typeof text === 'string' && text ? text : undefined;
}

function toResponse<T>(raw: unknown): GenesysResponse<T> {
  if (typeof raw === 'object' && raw !== null && 'status' in raw && 'headers' in raw) {
    const r = raw as { status: number; headers: unknown; body: T };
    return { status: r.status, headers: normalizeHeaders(r.headers), body: r.body };
  }
  // Not an extended response: a call made with a different ApiClient, or a non-SDK function. Keep the body.
  return { status: 200, headers: {}, body: raw as T };
}
