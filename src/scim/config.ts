import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_SCIM_CHUNK_SIZE } from './patch-ops';
import { RedactedSecret } from './secret';

/** Settings for SCIM notifications; present only when `SCIM_BASE_URL` is set. */
export interface ScimConfig {
  /** Base URL of the IdP's SCIM service, without a trailing slash (e.g. `https://idp.example.com/scim/v2`). */
  baseUrl: string;
  /** Bearer token; prints as `[redacted]` everywhere, `token.reveal()` gives the value. */
  token: RedactedSecret;
  /** Maximum member changes per PATCH request. */
  chunkSize: number;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
}

/** Thrown for invalid SCIM settings; the message names each offending variable and never contains a token. */
export class ScimConfigError extends Error {
  override readonly name = 'ScimConfigError';
}

/** Default per-request timeout. */
export const DEFAULT_SCIM_TIMEOUT_MS = 10_000;

/** Environment variables read by {@link loadScimConfig}. */
export type ScimEnv = Readonly<Partial<Record<ScimEnvName, string>>>;
type ScimEnvName = 'SCIM_BASE_URL' | 'SCIM_TOKEN' | 'SCIM_TOKEN_FILE' | 'SCIM_CHUNK_SIZE' | 'SCIM_TIMEOUT_MS';

const MAX_CHUNK_SIZE = 1000;
const MAX_TIMEOUT_MS = 600_000;
// Printable ASCII without spaces: anything else cannot travel in an Authorization header intact.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

const integerVar = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, { error: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    )
    .optional()
    .transform((value) => value ?? fallback);

const envSchema = z
  .object({
    SCIM_BASE_URL: z.string().transform((value, ctx) => {
      const problem = baseUrlProblem(value);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      const url = new URL(value);
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    }),
    SCIM_TOKEN: z.string().optional(),
    SCIM_TOKEN_FILE: z.string().optional(),
    SCIM_CHUNK_SIZE: integerVar(1, MAX_CHUNK_SIZE, DEFAULT_SCIM_CHUNK_SIZE),
    SCIM_TIMEOUT_MS: integerVar(1, MAX_TIMEOUT_MS, DEFAULT_SCIM_TIMEOUT_MS),
  })
  .superRefine((env, ctx) => {
    if (env.SCIM_TOKEN !== undefined && env.SCIM_TOKEN_FILE !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCIM_TOKEN_FILE'],
        message: 'set either SCIM_TOKEN or SCIM_TOKEN_FILE, not both',
      });
    } else if (env.SCIM_TOKEN === undefined && env.SCIM_TOKEN_FILE === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCIM_TOKEN'],
        message: 'SCIM_TOKEN or SCIM_TOKEN_FILE is required when SCIM_BASE_URL is set',
      });
    }
  });

/**
 * Reads SCIM notification settings from the environment.
 *
 * Blank values count as unset. Without `SCIM_BASE_URL` notifications are off and the result is `undefined`; with it,
 * exactly one of `SCIM_TOKEN` / `SCIM_TOKEN_FILE` is required (the file's surrounding whitespace is trimmed).
 *
 * @param env - where to read the variables; defaults to `process.env`.
 * @param readFile - reads the token file as UTF-8; injectable for tests.
 * @throws ScimConfigError naming every invalid variable.
 */
export function loadScimConfig(
  env: ScimEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ScimConfig | undefined {
  const raw = {
    SCIM_BASE_URL: blankToUndefined(env.SCIM_BASE_URL),
    SCIM_TOKEN: blankToUndefined(env.SCIM_TOKEN),
    SCIM_TOKEN_FILE: blankToUndefined(env.SCIM_TOKEN_FILE),
    SCIM_CHUNK_SIZE: blankToUndefined(env.SCIM_CHUNK_SIZE),
    SCIM_TIMEOUT_MS: blankToUndefined(env.SCIM_TIMEOUT_MS),
  };
  if (raw.SCIM_BASE_URL === undefined) return undefined;

  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    // Zod issues carry a path and a message but no input values, so this cannot echo a token.
    const lines = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
    throw new ScimConfigError(`Invalid SCIM configuration:\n  ${lines.join('\n  ')}`);
  }

  const { SCIM_BASE_URL, SCIM_TOKEN, SCIM_TOKEN_FILE, SCIM_CHUNK_SIZE, SCIM_TIMEOUT_MS } = parsed.data;
  return {
    baseUrl: SCIM_BASE_URL,
    token: SCIM_TOKEN !== undefined ? checkToken(SCIM_TOKEN, 'SCIM_TOKEN') : readTokenFile(SCIM_TOKEN_FILE!, readFile),
    chunkSize: SCIM_CHUNK_SIZE,
    timeoutMs: SCIM_TIMEOUT_MS,
  };
}

function readTokenFile(path: string, readFile: (path: string) => string): RedactedSecret {
  let content: string;
  try {
    content = readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'read error';
    throw new ScimConfigError(`Invalid SCIM configuration:\n  SCIM_TOKEN_FILE: cannot read ${path} (${code})`);
  }
  return checkToken(content.trim(), 'SCIM_TOKEN_FILE');
}

function checkToken(token: string, variable: 'SCIM_TOKEN' | 'SCIM_TOKEN_FILE'): RedactedSecret {
  if (token.length === 0) {
    throw new ScimConfigError(`Invalid SCIM configuration:\n  ${variable}: the token is empty`);
  }
  if (!TOKEN_PATTERN.test(token)) {
    throw new ScimConfigError(
      `Invalid SCIM configuration:\n  ${variable}: the token must be printable ASCII without spaces or line breaks`,
    );
  }
  return new RedactedSecret(token);
}

function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use http or https';
  // Credentials in the URL would end up in logs and error messages; the token belongs in SCIM_TOKEN.
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  // Request paths are appended to the base URL, which a query or fragment would swallow.
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment';
  return undefined;
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
