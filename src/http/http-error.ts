/** An error with an HTTP status and a message that is safe to show the caller. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    /** Extra JSON fields of the response body (e.g. validation `issues`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
