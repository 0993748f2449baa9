/**
 * The one way this project talks to Genesys Cloud: one official-SDK `ApiClient` per OAuth token (not the SDK's
 * shared singleton), pointed at a region or a gateway URL and logged in with client credentials, plus a `call()`
 * wrapper that paces by the rate-limit headers, waits out 429s, logs in again on 401 and turns every failure
 * into a {@link GenesysApiError}.
 *
 * With several OAuth clients configured (`GENESYS_CLIENTS_FILE`), each has its own token and its own pacer —
 * Genesys enforces rate limits per token (reference §4) — and every call goes to the token that is free first.
 * Because SDK API objects are bound to one `ApiClient`, `call` hands the chosen token's APIs to the callback.
 *
 * Create one client per worker process and share it between all activities: one token per OAuth client, one
 * budget, one re-login when the token expires.
 *
 * @example
 * const genesys = await createGenesysClient(loadGenesysConfig());
 * const page = await genesys.call((api) => api.users.getUsers({ pageSize: 500, expand: ['authorization'] }));
 * page.body.entities; page.headers['inin-ratelimit-count'];
 */
import type { GenesysConfig, GenesysCredentials } from '../config/genesys-config';
import { RateLimitPacer, type PacerOptions, type PacerStats } from './pacer';
import { SessionPool, type ThrottleEvent } from './pool';
import { platformClient } from './sdk';
import { GenesysSession, type GenesysClientLogger, type GenesysResponse } from './session';
import { systemClock, type WaitClock, type WaitHooks } from './wait';

export type { GenesysClientLogger, GenesysResponse } from './session';
export type { ThrottleEvent } from './pool';
export type { WaitHooks } from './wait';

/**
 * The SDK APIs of one token. Because extended responses are on, their methods really resolve to
 * `{status, headers, body}` whatever their declared types say: only use them inside {@link GenesysClient.call}.
 */
export interface GenesysApis {
  users: platformClient.UsersApi;
  groups: platformClient.GroupsApi;
  /** Role grants, e.g. `getAuthorizationSubject(groupId)` for the roles a group grants its members. */
  authorization: platformClient.AuthorizationApi;
}

/** Options of {@link createGenesysClient}. */
export interface GenesysClientOptions {
  /**
   * Settings of each token's pacer; `false` turns header-based pacing off (429s are still waited out), e.g. for a
   * test that wants to provoke 429s.
   * @default {}
   */
  pacer?: PacerOptions | false;
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
  /**
   * How long one `call` waits out 429s (honouring `Retry-After`) before throwing the 429. 0 throws the first one.
   * @default 600_000 (10 minutes)
   */
  callBudgetMs?: number;
  /**
   * How long a login retries a throttled token endpoint (429, or 400 `invalid_request` "rate limit exceeded").
   * Refused credentials (400 `invalid_client`) are never retried.
   * @default 120_000
   */
  loginBudgetMs?: number;
  /**
   * Called between slices of every wait (pacer slot, 429, throttled login): the worker heartbeats the current
   * activity and hands over its cancellation signal, so a wait never outlives the heartbeat timeout and ends on
   * cancellation.
   */
  waitHooks?: WaitHooks;
  /** Receives every 429 a call meets (for a metric). */
  onThrottled?: (event: ThrottleEvent) => void;
  /** Receives one line per (re-)login, throttled login and 429. @default silent */
  logger?: GenesysClientLogger;
  /** @default the system clock */
  clock?: WaitClock;
}

/** Per-token counters. */
export interface GenesysTokenStats extends PacerStats {
  clientId: string;
}

/** A logged-in Genesys client. Make API calls through {@link GenesysClient.call}. */
export interface GenesysClient {
  /** The first (or only) OAuth client id. */
  readonly clientId: string;
  /** Every OAuth client id of the pool, in configuration order. */
  readonly clientIds: readonly string[];
  /**
   * Runs one SDK call with the APIs of the token that is free first: waits for that token's pacer, logs in again
   * and retries once on 401, waits out 429s within `callBudgetMs`, and resolves with status, headers and body.
   *
   * @throws {@link GenesysApiError} for every failure (classify it with `classifyGenesysError`);
   * {@link GenesysAuthError} when a re-login is refused; the cancellation reason of `waitHooks.signal`.
   */
  call<T>(fn: (api: GenesysApis) => Promise<T>): Promise<GenesysResponse<T>>;
  /** Logs every token in again now (e.g. after rotating a secret in the config object). */
  login(): Promise<void>;
  /** Calls, 429s and known budget per token. */
  stats(): GenesysTokenStats[];
}

const silentLogger: GenesysClientLogger = { info: () => undefined, warn: () => undefined };

/**
 * Creates a client for `config` (one token per configured OAuth client) and logs every token in, so wrong
 * credentials fail here rather than on the first call.
 *
 * @throws {@link GenesysAuthError} if credentials are refused (message names the client id, never the secret);
 * {@link GenesysApiError} if the login endpoint cannot be reached, fails otherwise, or stays throttled.
 */
export async function createGenesysClient(
  config: GenesysConfig,
  opts: GenesysClientOptions = {},
): Promise<GenesysClient> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const credentials: readonly GenesysCredentials[] = config.clients?.length
    ? config.clients
    : [{ clientId: config.clientId, clientSecret: config.clientSecret }];
  const pacerOptions: PacerOptions = opts.pacer === false ? { paceByHeaders: false } : (opts.pacer ?? {});
  const sessions = credentials.map((cred) => {
    const apiClient = configuredApiClient(config, opts);
    const api: GenesysApis = {
      users: new platformClient.UsersApi(apiClient),
      groups: new platformClient.GroupsApi(apiClient),
      authorization: new platformClient.AuthorizationApi(apiClient),
    };
    return new GenesysSession(
      cred.clientId,
      api,
      new RateLimitPacer({ clock, ...pacerOptions }),
      () => apiClient.loginClientCredentialsGrant(cred.clientId, cred.clientSecret),
      {
        clock,
        logger,
        refreshBeforeExpiryMs: opts.refreshBeforeExpiryMs ?? 60_000,
        loginBudgetMs: opts.loginBudgetMs ?? 120_000,
      },
    );
  });
  const pool = new SessionPool(sessions, {
    clock,
    logger,
    callBudgetMs: opts.callBudgetMs ?? 600_000,
    ...(opts.waitHooks ? { hooks: opts.waitHooks } : {}),
    ...(opts.onThrottled ? { onThrottled: opts.onThrottled } : {}),
  });
  await pool.loginAll();
  return {
    clientId: sessions[0].clientId,
    clientIds: sessions.map((s) => s.clientId),
    call: (fn) => pool.call(fn),
    login: async () => {
      for (const s of sessions) await s.login(opts.waitHooks);
    },
    stats: () => sessions.map((s) => ({ clientId: s.clientId, ...s.pacer.stats() })),
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
