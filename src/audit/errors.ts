/** Error types raised by the audit module, so callers can tell a caller bug from a damaged log. */

/**
 * An event handed to {@link AuditSink.append} is malformed or carries secret-looking data. Raised before anything is
 * written, for the whole batch: retrying will not help, so activities should treat it as non-retryable.
 */
export class AuditValidationError extends Error {
  override readonly name = 'AuditValidationError';
  constructor(
    message: string,
    /** Each problem as `path: message`, e.g. `events[3].groupId: Required`. */
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * Stored audit data cannot be parsed (e.g. a line in the middle of the JSONL file is not JSON). Appending refuses to
 * extend a chain it cannot read; {@link verifyChain} reports it as a modified entry.
 */
export class AuditCorruptionError extends Error {
  override readonly name = 'AuditCorruptionError';
  constructor(
    message: string,
    /** Where the damage is, as precisely as the sink knows it (e.g. a 1-based line number for JSONL). */
    readonly location: { line?: number; seq?: number } = {},
  ) {
    super(message);
  }
}
