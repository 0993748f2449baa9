/**
 * Webhook notification settings (`GCSYNC_NOTIFY_*`), read by the worker only. The URL may carry a secret (a Slack
 * webhook's path is its token), so it is held as a {@link RedactedSecret}, printed masked, and never handed to a
 * workflow: the `notifyRun` activity reads it from here.
 */
import { readFileSync } from 'node:fs';
import type { NotificationFormat } from '../core/notification';
import { RedactedSecret } from '../scim/secret';

/** Settings for run notifications; present only when `GCSYNC_NOTIFY_URL` (or `_FILE`) is set. */
export interface NotifyConfig {
  /** Where to POST; may contain a token (`reveal()` only where it goes onto the wire). */
  url: RedactedSecret;
  /** The URL's scheme and host only, safe to print. */
  maskedUrl: string;
  format: NotificationFormat;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Temporal Web UI base, for links in the message. */
  webUiUrl?: string;
  /** Base URL of `gcsync serve`, for the HTTP approval request in the message. */
  apiUrl?: string;
}

/** Thrown for invalid settings; the message names the variable and never contains the URL. */
export class NotifyConfigError extends Error {
  override readonly name = 'NotifyConfigError';
}

/** Default per-request timeout. */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 5_000;

/** Environment variables read by {@link loadNotifyConfig}. */
export type NotifyEnv = Readonly<Partial<Record<NotifyEnvName, string>>>;
type NotifyEnvName =
  | 'GCSYNC_NOTIFY_URL'
  | 'GCSYNC_NOTIFY_URL_FILE'
  | 'GCSYNC_NOTIFY_FORMAT'
  | 'GCSYNC_NOTIFY_TIMEOUT_MS'
  | 'GCSYNC_WEB_UI_URL'
  | 'GCSYNC_PUBLIC_API_URL';

/**
 * Reads the notification settings. Blank values count as unset; without a URL notifications are off (`undefined`).
 *
 * @param readFile - reads `GCSYNC_NOTIFY_URL_FILE` as UTF-8; injectable for tests.
 * @throws NotifyConfigError naming the offending variable (never echoing the URL).
 */
export function loadNotifyConfig(
  env: NotifyEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): NotifyConfig | undefined {
  const inline = blank(env.GCSYNC_NOTIFY_URL);
  const file = blank(env.GCSYNC_NOTIFY_URL_FILE);
  if (inline && file)
    fail('GCSYNC_NOTIFY_URL_FILE', 'set either GCSYNC_NOTIFY_URL or GCSYNC_NOTIFY_URL_FILE, not both');
  if (!inline && !file) return undefined;
  const variable = inline ? 'GCSYNC_NOTIFY_URL' : 'GCSYNC_NOTIFY_URL_FILE';
  const raw = inline ?? readUrlFile(file!, readFile);
  const url = httpUrl(raw, variable);

  const format = blank(env.GCSYNC_NOTIFY_FORMAT) ?? 'json';
  if (format !== 'json' && format !== 'slack') fail('GCSYNC_NOTIFY_FORMAT', 'must be json or slack');
  const timeoutText = blank(env.GCSYNC_NOTIFY_TIMEOUT_MS);
  const timeoutMs = timeoutText === undefined ? DEFAULT_NOTIFY_TIMEOUT_MS : Number(timeoutText);
  if (!/^[0-9]+$/.test(timeoutText ?? '0') || timeoutMs < 100 || timeoutMs > 60_000) {
    fail('GCSYNC_NOTIFY_TIMEOUT_MS', 'must be an integer between 100 and 60000');
  }
  const webUiUrl = blank(env.GCSYNC_WEB_UI_URL);
  const apiUrl = blank(env.GCSYNC_PUBLIC_API_URL);
  return {
    url: new RedactedSecret(raw),
    maskedUrl: `${url.protocol}//${url.host}/***`,
    format,
    timeoutMs,
    ...(webUiUrl ? { webUiUrl: httpUrl(webUiUrl, 'GCSYNC_WEB_UI_URL').toString() } : {}),
    ...(apiUrl ? { apiUrl: httpUrl(apiUrl, 'GCSYNC_PUBLIC_API_URL').toString() } : {}),
  };
}

function httpUrl(value: string, variable: NotifyEnvName): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(variable, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(variable, 'must use http or https');
  return url;
}

function readUrlFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'read error';
    return fail('GCSYNC_NOTIFY_URL_FILE', `cannot read ${path} (${code})`);
  }
}

function fail(variable: NotifyEnvName, message: string): never {
  throw new NotifyConfigError(`Invalid notification configuration:\n  ${variable}: ${message}`);
}

function blank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
