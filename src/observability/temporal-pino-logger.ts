/**
 * The Temporal SDK's logger (worker, workflow and activity logs, and what the Rust core forwards) bridged to pino:
 * one JSON line per message, with secret-looking fields and URL passwords masked as the worker's other output is
 * (src/config/mask-secrets.ts).
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import pino from 'pino';
import { MASK, maskSecrets } from '../config/mask-secrets';

const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** `TRACE`…`ERROR` in any case; anything else is `INFO`. */
export function parseLogLevel(level: string | undefined): LogLevel {
  const upper = (level ?? '').trim().toUpperCase();
  return upper in PINO_LEVEL ? (upper as LogLevel) : 'INFO';
}

/**
 * A Temporal {@link Logger} writing through `target`. Metadata is masked before pino sees it (an activity's log
 * call may carry anything); an `Error` keeps its name, message and stack.
 */
export function createTemporalPinoLogger(target: pino.Logger): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fields = meta ? maskSecrets(withPlainErrors(meta)) : {};
    target[PINO_LEVEL[level]](fields, maskUrlPasswordsInText(message));
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * The worker's logger: pino on stderr (stdout stays for results) at `level`, named `gcsync-worker`.
 *
 * @param destination - where lines go; default stderr.
 */
export function createWorkerLogger(level: string | undefined, destination?: pino.DestinationStream): Logger {
  const target = pino(
    { name: 'gcsync-worker', level: PINO_LEVEL[parseLogLevel(level)] },
    destination ?? pino.destination(2),
  );
  return createTemporalPinoLogger(target);
}

/**
 * Masks the password of every URL inside free text (`cannot reach postgres://app:pw@db/x` — a driver's message);
 * maskSecrets masks a string only when the whole string is such a URL.
 */
function maskUrlPasswordsInText(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${MASK}@`);
}

// maskSecrets copies own enumerable fields, which would turn an Error into `{}`.
function withPlainErrors(meta: LogMetadata): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    plain[key] = value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
  }
  return plain;
}
