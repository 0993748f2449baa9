/**
 * Genesys Cloud connection settings from the environment: which service (a region, or a gateway URL such as the
 * local emulator) and the OAuth client-credentials pair. Validated with zod; every problem is reported by variable
 * name in one {@link ConfigError}, and the client secret is never part of any message.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { optionalEnv } from './optional-env';
import { GENESYS_REGION_HOSTS as REGION_HOSTS } from '../genesys/sdk';
import { ConfigError, type ConfigIssue } from './config-error';
import { readGenesysClientsFile, type GenesysCredentials } from './genesys-clients-file';

export type { GenesysCredentials } from './genesys-clients-file';

/** Where the SDK sends requests. */
export type GenesysEndpoint =
  | {
      kind: 'region';
      /** SDK region key, e.g. `us_east_1`. */
      region: string;
      /** Region domain for `setEnvironment`, e.g. `mypurecloud.com`. */
      environment: string;
    }
  | {
      kind: 'gateway';
      /** The URL as configured, without credentials (there can be none), e.g. `http://127.0.0.1:8089`. */
      url: string;
      protocol: 'http' | 'https';
      host: string;
      /** Absent when the URL has none (the protocol's default port). */
      port?: number;
      /** Path prefix for both login and API requests, without slashes at either end; absent for none. */
      pathPrefix?: string;
    };

/** Validated Genesys settings. Contains client secrets: print them only through `maskSecrets`. */
export interface GenesysConfig {
  endpoint: GenesysEndpoint;
  /** The first OAuth client (the only one without a token pool). */
  clientId: string;
  clientSecret: string;
  /**
   * Every OAuth client of the token pool, the first being {@link clientId}: `GENESYS_CLIENT_ID` (if set) followed
   * by the entries of `GENESYS_CLIENTS_FILE` (if set). One token and one rate-limit budget each.
   */
  clients: GenesysCredentials[];
}

const optional = optionalEnv;

const envSchema = z
  .object({
    GENESYS_REGION: optional,
    GENESYS_API_URL: optional,
    GENESYS_CLIENT_ID: optional,
    GENESYS_CLIENT_SECRET: optional,
    GENESYS_CLIENT_SECRET_FILE: optional,
    GENESYS_CLIENTS_FILE: optional,
  })
  .superRefine((env, ctx) => {
    const issue = (variable: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [variable], message });
    };
    if (env.GENESYS_REGION && env.GENESYS_API_URL) {
      issue('GENESYS_REGION', 'and GENESYS_API_URL are both set; set exactly one');
    } else if (!env.GENESYS_REGION && !env.GENESYS_API_URL) {
      issue('GENESYS_REGION', 'or GENESYS_API_URL is required (a region such as us_east_1, or a gateway URL)');
    }
    if (env.GENESYS_REGION && !(env.GENESYS_REGION in REGION_HOSTS)) {
      issue('GENESYS_REGION', regionProblem(env.GENESYS_REGION));
    }
    if (env.GENESYS_API_URL) {
      const problem = gatewayUrlProblem(env.GENESYS_API_URL);
      if (problem) issue('GENESYS_API_URL', problem);
    }
    const pooled = !!env.GENESYS_CLIENTS_FILE;
    if (!env.GENESYS_CLIENT_ID && !pooled) {
      issue('GENESYS_CLIENT_ID', 'is required (the OAuth client id), unless GENESYS_CLIENTS_FILE lists the clients');
    }
    if (env.GENESYS_CLIENT_SECRET && env.GENESYS_CLIENT_SECRET_FILE) {
      issue('GENESYS_CLIENT_SECRET', 'and GENESYS_CLIENT_SECRET_FILE are both set; set exactly one');
    } else if (!env.GENESYS_CLIENT_SECRET && !env.GENESYS_CLIENT_SECRET_FILE && (env.GENESYS_CLIENT_ID || !pooled)) {
      issue('GENESYS_CLIENT_SECRET', 'or GENESYS_CLIENT_SECRET_FILE is required (the OAuth client secret)');
    } else if (!env.GENESYS_CLIENT_ID && pooled && (env.GENESYS_CLIENT_SECRET || env.GENESYS_CLIENT_SECRET_FILE)) {
      issue('GENESYS_CLIENT_ID', 'is required when GENESYS_CLIENT_SECRET(_FILE) is set');
    }
  });

/**
 * Reads and validates the Genesys settings:
 * - exactly one of `GENESYS_REGION` / `GENESYS_API_URL`;
 * - `GENESYS_CLIENT_ID` with exactly one of `GENESYS_CLIENT_SECRET` / `GENESYS_CLIENT_SECRET_FILE` (a file path,
 *   e.g. a mounted Docker/Kubernetes secret; surrounding whitespace and the trailing newline are ignored);
 * - and/or `GENESYS_CLIENTS_FILE`: a YAML/JSON list of further OAuth clients for a token pool
 *   (`{clientId, clientSecretFile | clientSecretEnv}` each; see `readGenesysClientsFile`). Genesys enforces rate
 *   limits per token, so each client adds its own budget; the worker sends each call to the token free first.
 *   Client ids must be distinct.
 *
 * @param env - variables to read; `process.env` by default.
 * @throws {@link ConfigError} naming every missing or malformed variable and why.
 */
export function loadGenesysConfig(env: NodeJS.ProcessEnv = process.env): GenesysConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      'Genesys',
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), problem: i.message })),
    );
  }
  const e = parsed.data;
  const issues: ConfigIssue[] = [];
  const clients: GenesysCredentials[] = [];
  if (e.GENESYS_CLIENT_ID) {
    const secret = e.GENESYS_CLIENT_SECRET ?? readSecretFile(e.GENESYS_CLIENT_SECRET_FILE as string);
    if (typeof secret !== 'string') issues.push(secret);
    else clients.push({ clientId: e.GENESYS_CLIENT_ID, clientSecret: secret });
  }
  if (e.GENESYS_CLIENTS_FILE) {
    const pool = readGenesysClientsFile(e.GENESYS_CLIENTS_FILE, env);
    if ('issues' in pool) issues.push(...pool.issues);
    else clients.push(...pool.clients);
  }
  const seen = new Set<string>();
  for (const c of clients) {
    if (seen.has(c.clientId))
      issues.push({ variable: 'GENESYS_CLIENTS_FILE', problem: `lists client ${c.clientId} twice` });
    seen.add(c.clientId);
  }
  if (issues.length) throw new ConfigError('Genesys', issues);
  return {
    endpoint: e.GENESYS_REGION ? regionEndpoint(e.GENESYS_REGION) : gatewayEndpoint(e.GENESYS_API_URL as string),
    clientId: clients[0].clientId,
    clientSecret: clients[0].clientSecret,
    clients,
  };
}

/** One secret-free line for start-up logs, e.g. `region us_east_1 (mypurecloud.com)` or `gateway http://127.0.0.1:8089`. */
export function describeGenesysEndpoint(config: Pick<GenesysConfig, 'endpoint'>): string {
  const e = config.endpoint;
  return e.kind === 'region' ? `region ${e.region} (${e.environment})` : `gateway ${e.url}`;
}

function regionEndpoint(region: string): GenesysEndpoint {
  return { kind: 'region', region, environment: REGION_HOSTS[region] };
}

function gatewayEndpoint(raw: string): GenesysEndpoint {
  const url = new URL(raw);
  const pathPrefix = url.pathname.replace(/^\/+|\/+$/g, '');
  return {
    kind: 'gateway',
    url: raw.replace(/\/+$/, ''),
    protocol: url.protocol === 'http:' ? 'http' : 'https',
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(pathPrefix ? { pathPrefix } : {}),
  };
}

function regionProblem(region: string): string {
  const underscored = region.toLowerCase().replace(/-/g, '_');
  const hint = underscored in REGION_HOSTS ? ` (did you mean ${underscored}?)` : '';
  return `is not a Genesys Cloud region${hint}; use one of: ${Object.keys(REGION_HOSTS).join(', ')}`;
}

/** Returns why `raw` is not a usable gateway URL, without echoing it (a URL can carry credentials). */
function gatewayUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an http(s)://host[:port] URL, e.g. http://127.0.0.1:8089';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http:// or https://';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not contain credentials (use GENESYS_CLIENT_ID/SECRET)';
  if (url.search || url.hash) return 'must not contain a query string or fragment';
  return undefined;
}

function readSecretFile(file: string): string | ConfigIssue {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { variable: 'GENESYS_CLIENT_SECRET_FILE', problem: `cannot be read: ${file} (${code})` };
  }
  const secret = content.trim();
  if (!secret) return { variable: 'GENESYS_CLIENT_SECRET_FILE', problem: `points at an empty file: ${file}` };
  return secret;
}
