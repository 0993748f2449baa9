/**
 * Temporal connection settings read from the environment, validated with zod, and the one place that turns them
 * into a connected {@link Client}. The worker can reuse {@link temporalConnectionOptions} for its NativeConnection.
 * Secrets (the API key, the TLS key file's contents) never appear in an error message or a description.
 */
import { readFile } from 'node:fs/promises';
import { Client, Connection, type ClientInterceptors, type TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { optionalEnv } from './optional-env';
import { DEFAULT_TASK_QUEUE } from '../../workflows/messages';
import { ConfigError } from './config-error';

/** Where a local dev server listens (`temporal server start-dev`), used when `TEMPORAL_ADDRESS` is unset. */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/** Validated connection settings. */
export interface TemporalConfig {
  /** `host:port` of the Temporal frontend. */
  address: string;
  namespace: string;
  /** Task queue the `reconcileGroups` worker polls. */
  taskQueue: string;
  /** Present when the connection uses TLS (explicitly, or implied by a certificate, CA, server name or API key). */
  tls?: {
    /** Client certificate file (mTLS); always given together with {@link keyFile}. */
    certFile?: string;
    keyFile?: string;
    /** CA bundle that signed the server's certificate, when the system trust store does not. */
    caFile?: string;
    /** TLS server name (SNI) override, e.g. behind a proxy. */
    serverName?: string;
  };
  /** Temporal Cloud API key; sent as `Authorization: Bearer …`. */
  apiKey?: string;
}

/** Options ready for `Connection.connect` or `NativeConnection.connect`. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

const optional = optionalEnv;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const envSchema = z
  .object({
    TEMPORAL_ADDRESS: optional.pipe(
      z.string().regex(HOST_PORT, 'must be host:port, e.g. 127.0.0.1:7233 or my-ns.a1b2c.tmprl.cloud:7233').optional(),
    ),
    TEMPORAL_NAMESPACE: optional.pipe(z.string().regex(NAME, 'must be a namespace name').optional()),
    GCSYNC_TASK_QUEUE: optional.pipe(z.string().regex(NAME, 'must be a task queue name').optional()),
    TEMPORAL_TLS: optional.pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).optional()),
    TEMPORAL_TLS_CERT: optional,
    TEMPORAL_TLS_KEY: optional,
    TEMPORAL_TLS_CA: optional,
    TEMPORAL_TLS_SERVER_NAME: optional,
    TEMPORAL_API_KEY: optional,
  })
  .superRefine((env, ctx) => {
    if (env.TEMPORAL_TLS_CERT && !env.TEMPORAL_TLS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_KEY'],
        message: 'is required when TEMPORAL_TLS_CERT is set',
      });
    }
    if (env.TEMPORAL_TLS_KEY && !env.TEMPORAL_TLS_CERT) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_CERT'],
        message: 'is required when TEMPORAL_TLS_KEY is set',
      });
    }
    const tlsOff = env.TEMPORAL_TLS === 'false' || env.TEMPORAL_TLS === '0';
    if (tlsOff && (env.TEMPORAL_API_KEY || env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_CA)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS'],
        message: 'is false, but TEMPORAL_API_KEY or a TLS certificate is set (they need TLS)',
      });
    }
  });

/**
 * Reads and validates the Temporal settings.
 *
 * @param env - variables to read; `process.env` by default.
 * @throws {@link ConfigError} listing every wrong variable by name.
 */
export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      'Temporal',
      parsed.error.issues.map((issue) => ({ variable: issue.path.join('.'), problem: issue.message })),
    );
  }
  const e = parsed.data;
  const explicitTls = e.TEMPORAL_TLS === 'true' || e.TEMPORAL_TLS === '1';
  const useTls =
    explicitTls || !!(e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME || e.TEMPORAL_API_KEY);
  const config: TemporalConfig = {
    address: e.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: e.GCSYNC_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
  if (useTls) {
    config.tls = dropUndefined({
      certFile: e.TEMPORAL_TLS_CERT,
      keyFile: e.TEMPORAL_TLS_KEY,
      caFile: e.TEMPORAL_TLS_CA,
      serverName: e.TEMPORAL_TLS_SERVER_NAME,
    });
  }
  if (e.TEMPORAL_API_KEY) config.apiKey = e.TEMPORAL_API_KEY;
  return config;
}

/** A one-line, secret-free description for logs and `--help` style output. */
export function describeTemporalConfig(config: TemporalConfig): string {
  const tls = config.tls ? (config.tls.certFile ? 'mTLS' : 'TLS') : 'plaintext';
  const auth = config.apiKey ? ', API key set' : '';
  return `${config.address} namespace=${config.namespace} taskQueue=${config.taskQueue} (${tls}${auth})`;
}

/**
 * Builds connection options, reading the certificate files.
 *
 * @throws {@link ConfigError} naming the variable whose file cannot be read (the contents are never shown).
 */
export async function temporalConnectionOptions(config: TemporalConfig): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address: config.address };
  if (config.tls) {
    const tls: TLSConfig = {};
    if (config.tls.serverName) tls.serverNameOverride = config.tls.serverName;
    if (config.tls.caFile) tls.serverRootCACertificate = await readSettingFile('TEMPORAL_TLS_CA', config.tls.caFile);
    if (config.tls.certFile && config.tls.keyFile) {
      tls.clientCertPair = {
        crt: await readSettingFile('TEMPORAL_TLS_CERT', config.tls.certFile),
        key: await readSettingFile('TEMPORAL_TLS_KEY', config.tls.keyFile),
      };
    }
    options.tls = tls;
  }
  if (config.apiKey) options.apiKey = config.apiKey;
  return options;
}

/** Options of {@link connectClient}. */
export interface ConnectClientOptions {
  /**
   * Connect on first use instead of now. A long-running service uses this so it can start (and report
   * Temporal as unreachable on its health check) while the server is down.
   * @default false
   */
  lazy?: boolean;
  /** Client interceptors, e.g. OpenTelemetry's (see src/observability/client-tracing.ts). */
  interceptors?: ClientInterceptors;
  /**
   * How long to try reaching the server before giving up (a command-line tool should fail fast and say why).
   * @default 10000 (the SDK's default)
   */
  connectTimeoutMs?: number;
}

/**
 * Connects to Temporal and returns a client bound to the configured namespace. Close it with
 * `client.connection.close()` when done, or the process keeps running.
 *
 * @throws {@link ConfigError} when a TLS file cannot be read; an `Error` naming the address when the
 * server cannot be reached.
 */
export async function connectClient(config: TemporalConfig, options: ConnectClientOptions = {}): Promise<Client> {
  const connectionOptions = await temporalConnectionOptions(config);
  let connection: Connection;
  if (options.lazy) {
    connection = Connection.lazy(connectionOptions);
  } else {
    try {
      connection = await Connection.connect({
        ...connectionOptions,
        ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}),
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot connect to Temporal at ${config.address} (TEMPORAL_ADDRESS): ${reason}`);
    }
  }
  return new Client({
    connection,
    namespace: config.namespace,
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
}

async function readSettingFile(variable: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('Temporal', [{ variable, problem: `cannot read ${file} (${code})` }]);
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
