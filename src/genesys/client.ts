/**
 * The one way this project talks to Genesys Cloud: an official-SDK `ApiClient` of its own (not the SDK's shared
 * singleton), pointed at a region or a gateway URL, logged in with client credentials, plus a `call()` wrapper that
 * re-logs in on 401, paces by the rate-limit headers and turns every failure into a {@link GenesysApiError}.
 *
 * @example
 * const genesys = await createGenesysClient(loadGenesysConfig());
 * const page = await genesys.call(() => genesys.users.getUsers({ pageSize: 500, expand: ['authorization'] }));
 * page.body.entities; page.headers['inin-ratelimit-count'];
 */
import type { GenesysConfig } from '../config/genesys-config';
import { GenesysApiError, GenesysAuthError, toGenesysApiError } from './api-error';
import { normalizeHeaders, readRateLimit, type ResponseHeaders } from './headers';
import { RateLimitPacer } from './pacer';
import { platformClient } from './sdk';

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

/** Options of {@link createGenesysClient}. */
export interface GenesysClientOptions {
  /**
   * Pacer fed by every response; `false` disables pacing (e.g. a test that wants to provoke 429s). Share one pacer
   * only among clients that share a token.
   * @default a new RateLimitPacer
   */
  pacer?: RateLimitPacer | false;
  /**
   * Per-request timeout.
   * @default 16_000 (the SDK's default)
   */
  timeoutMs?: number;
  /**
   * Log in again this long before the token expires, rather than waiting for a 401.
   * @default 60_000
   */
  refreshBeforeExpiryMs?: number;
  /** Receives one line per (re-)login. @default silent */
  logger?: GenesysClientLogger;
}

/** A logged-in Genesys client. Make API calls through {@link GenesysClient.call}. */
export interface GenesysClient {
  readonly clientId: string;
  /** The SDK client; already configured and logged in. */
  readonly apiClient: platformClient.ApiClientClass;
  /**
   * SDK APIs bound to {@link apiClient}. Because extended responses are on, their methods really resolve to
   * `{status, headers, body}` whatever their declared types say: always wrap them in {@link call}.
   */
  readonly users: platformClient.UsersApi;
  readonly groups: platformClient.GroupsApi;
  /**
   * Runs one SDK call: waits for the pacer, logs in again and retries once on 401, feeds the rate-limit headers
   * to the pacer, and resolves with status, headers and body.
   *
   * @throws {@link GenesysApiError} for every failure (classify it with `classifyGenesysError`);
   * {@link GenesysAuthError} when a re-login is refused.
   */
  call<T>(fn: () => Promise<T>): Promise<GenesysResponse<T>>;
  /** Logs in again now (e.g. after rotating the secret in the config object). */
  login(): Promise<void>;
}

const silentLogger: GenesysClientLogger = { info: () => undefined, warn: () => undefined };

/**
 * Creates a client for `config` and logs in, so wrong credentials fail here rather than on the first call.
 * Create one per worker process and reuse it: every creation costs a token request.
 *
 * @throws {@link GenesysAuthError} if the credentials are refused (message names the client id, never the
 * secret); {@link GenesysApiError} if the login endpoint cannot be reached or fails otherwise.
 */
export async function createGenesysClient(
  config: GenesysConfig,
  opts: GenesysClientOptions = {},
): Promise<GenesysClient> {
  const apiClient = configuredApiClient(config, opts);
  const session = new Session(apiClient, config, opts);
  await session.login();
  const users = new platformClient.UsersApi(apiClient);
  const groups = new platformClient.GroupsApi(apiClient);
  return {
    clientId: config.clientId,
    apiClient,
    users,
    groups,
    call: (fn) => session.call(fn),
    login: () => session.login(),
  };
}

function configuredApiClient(config: GenesysConfig, opts: GenesysClientOptions): platformClient.ApiClientClass {
  // ApiClientClass, not platformClient.ApiClient: the latter is the SDK-wide singleton instance that every
  // `new XxxApi()` without an argument shares; our own instance keeps tokens and settings independent.
  const apiClient = new platformClient.ApiClientClass();
  // The SDK's constructor has already read ~/.genesyscloudjavascript/config once (that cannot be prevented). Stop
  // it watching the file, then overwrite everything the file can set: gateway, environment and logging. Otherwise
  // a later file change could clear our gateway, or turn on logging of request headers (the bearer token).
  apiClient.config.live_reload_config = false;
  const logger = apiClient.config.logger;
  logger.log_level = 'none';
  logger.log_to_console = false;
  logger.log_file_path = '';
  logger.log_request_body = false;
  logger.log_response_body = false;
  logger.setLogger();

  const endpoint = config.endpoint;
  if (endpoint.kind === 'gateway') {
    apiClient.setGateway({
      host: endpoint.host,
      protocol: endpoint.protocol,
      port: endpoint.port,
      path_params_login: endpoint.pathPrefix,
      path_params_api: endpoint.pathPrefix,
    });
  } else {
    // No argument clears a gateway the config file may have set; the SDK's typings require one, hence the cast.
    apiClient.config.setGateway(undefined as never);
    apiClient.setEnvironment(endpoint.environment);
  }
  apiClient.setReturnExtendedResponses(true);
  if (opts.timeoutMs !== undefined) apiClient.getHttpClient().setTimeout(opts.timeoutMs);
  return apiClient;
}

/** Token lifecycle and the call wrapper; one per client. */
class Session {
  private readonly pacer: RateLimitPacer | undefined;
  private readonly logger: GenesysClientLogger;
  private readonly refreshBeforeExpiryMs: number;
  /** Bumped on every successful login; lets concurrent 401s share one re-login. */
  private generation = 0;
  private loginInFlight: Promise<void> | undefined;
  /** When to log in again proactively (before the token expires). */
  private refreshAt = 0;

  constructor(
    private readonly apiClient: platformClient.ApiClientClass,
    private readonly config: GenesysConfig,
    opts: GenesysClientOptions,
  ) {
    this.pacer = opts.pacer === false ? undefined : (opts.pacer ?? new RateLimitPacer());
    this.logger = opts.logger ?? silentLogger;
    this.refreshBeforeExpiryMs = opts.refreshBeforeExpiryMs ?? 60_000;
  }

  login(): Promise<void> {
    this.loginInFlight ??= this.doLogin().finally(() => (this.loginInFlight = undefined));
    return this.loginInFlight;
  }

  async call<T>(fn: () => Promise<T>): Promise<GenesysResponse<T>> {
    if (Date.now() >= this.refreshAt) await this.reloginIfStale(this.generation);
    const seen = this.generation;
    try {
      return await this.attempt(fn);
    } catch (err) {
      // Client-credentials tokens are never refreshed by the SDK: an expired or revoked token gives a 401 and we
      // must log in again ourselves. Only once per call, so wrong permissions cannot loop.
      if (!(err instanceof GenesysApiError) || err.status !== 401) throw err;
      this.logger.warn({ clientId: this.config.clientId, code: err.code }, 'Genesys token refused; logging in again');
      await this.reloginIfStale(seen);
      return this.attempt(fn);
    }
  }

  private async attempt<T>(fn: () => Promise<T>): Promise<GenesysResponse<T>> {
    await this.pacer?.beforeCall();
    let raw: unknown;
    try {
      raw = await fn();
    } catch (rejection) {
      const err = toGenesysApiError(rejection);
      this.pacer?.observe({ rateLimit: err.rateLimit, retryAfterSeconds: err.retryAfterSeconds, status: err.status });
      throw err;
    }
    const response = toResponse<T>(raw);
    this.pacer?.observe({ rateLimit: readRateLimit(response.headers), status: response.status });
    return response;
  }

  private reloginIfStale(seenGeneration: number): Promise<void> {
    // Another call already logged in again since this one started: just use the new token.
    if (this.generation !== seenGeneration) return Promise.resolve();
    return this.login();
  }

  private async doLogin(): Promise<void> {
    const { clientId, clientSecret } = this.config;
    try {
      const auth = await this.apiClient.loginClientCredentialsGrant(clientId, clientSecret);
      // Refresh ahead of expiry, but never more than half-way through a (short, e.g. test) token's life.
      const lifetime = Math.max(0, auth.tokenExpiryTime - Date.now());
      this.refreshAt = auth.tokenExpiryTime - Math.min(this.refreshBeforeExpiryMs, lifetime / 2);
      this.generation += 1;
      this.logger.info({ clientId, expiresAt: auth.tokenExpiryTimeString }, 'Genesys login ok');
    } catch (rejection) {
      throw toLoginError(rejection, clientId);
    }
  }
}

/** Login failures reject with the raw axios error, whose request config holds the Basic credentials: keep none of it. */
function toLoginError(rejection: unknown, clientId: string): GenesysApiError {
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
