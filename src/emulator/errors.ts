/**
 * Genesys `ErrorBody` construction. Every non-2xx answer of `/api/v2/*` (and of the control API) carries this
 * shape, with `status` in the body because the SDK's default mode hides the HTTP status from callers.
 */

/** The Genesys error envelope (subset of fields the emulator fills). */
export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  messageWithParams: string;
  messageParams: Record<string, string>;
  contextId: string;
  details: { errorCode?: string; fieldName?: string; entityId?: string; entityName?: string }[];
  errors: ErrorBody[];
  limit?: { key: string; namespace: string; value: number };
}

/** An error a route raises; the server turns it into an ErrorBody with the request's correlation id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      messageWithParams?: string;
      messageParams?: Record<string, string>;
      headers?: Record<string, string>;
      limit?: ErrorBody['limit'];
      details?: ErrorBody['details'];
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The wire body for this error. */
  toBody(contextId: string): ErrorBody {
    const body: ErrorBody = {
      message: this.message,
      code: this.code,
      status: this.status,
      messageWithParams: this.extra.messageWithParams ?? this.message,
      messageParams: this.extra.messageParams ?? {},
      contextId,
      details: this.extra.details ?? [],
      errors: [],
    };
    if (this.extra.limit) body.limit = this.extra.limit;
    return body;
  }
}

/** 400 `bad.request`; `message` defaults to the generic Genesys text. */
export function badRequest(
  message = 'The request could not be understood by the server due to malformed syntax.',
  fieldName?: string,
): ApiError {
  return new ApiError(400, 'bad.request', message, fieldName ? { details: [{ fieldName }] } : {});
}

/** 400 `invalid.value` for a well-formed request naming something that does not exist or is not allowed. */
export function invalidValue(message: string, fieldName?: string, entityId?: string): ApiError {
  return new ApiError(400, 'invalid.value', message, {
    details: fieldName || entityId ? [{ errorCode: 'invalid.value', fieldName, entityId }] : [],
  });
}

/** 401 for a request without a bearer token. */
export function authenticationRequired(): ApiError {
  return new ApiError(
    401,
    'authentication.required',
    'No authentication bearer token specified in authorization header.',
  );
}

/** 401 for an unknown, expired or revoked token. */
export function badCredentials(): ApiError {
  return new ApiError(401, 'bad.credentials', 'Invalid login credentials.');
}

/** 403 `not.authorized`. */
export function notAuthorized(): ApiError {
  return new ApiError(403, 'not.authorized', 'You are not authorized to perform the requested action.');
}

/** 404 `not.found`. */
export function notFound(): ApiError {
  return new ApiError(404, 'not.found', 'The requested resource was not found.');
}

/** 409 on a stale group version. */
export function versionConflict(): ApiError {
  return new ApiError(409, 'general.conflict', 'Resource conflict - Unexpected version was provided');
}

/** 413 for a body over `request.bytes.max`. */
export function entityTooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    'request.entity.too.large',
    `The request is over the size limit. Maximum bytes: ${maxBytes}`,
    {
      messageWithParams: 'The request is over the size limit. Maximum bytes: {maxBytes}',
      messageParams: { maxBytes: String(maxBytes) },
    },
  );
}

/** 415 for a write body that is not JSON. */
export function unsupportedMediaType(): ApiError {
  return new ApiError(
    415,
    'unsupported.media.type',
    'Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect Content-Type value in the header.',
  );
}

/** 429 `too.many.requests.retry.after` with `Retry-After` in whole seconds. */
export function tooManyRequests(retryAfterSeconds: number, limitValue?: number): ApiError {
  const n = String(retryAfterSeconds);
  return new ApiError(
    429,
    'too.many.requests.retry.after',
    `Rate limit exceeded the maximum. Retry the request in [${n}] seconds`,
    {
      messageWithParams: 'Rate limit exceeded the maximum. Retry the request in [{retryAfter}] seconds',
      messageParams: { retryAfter: n },
      headers: { 'Retry-After': n },
      limit:
        limitValue === undefined
          ? undefined
          : { key: 'client.credentials.token.rate.per.minute', namespace: 'platform.api', value: limitValue },
    },
  );
}

const SERVER_ERRORS: Record<number, [string, string]> = {
  500: [
    'internal.server.error',
    'The server encountered an unexpected condition which prevented it from fulfilling the request.',
  ],
  502: ['bad.gateway', 'The server received an invalid response from an upstream server.'],
  503: [
    'service.unavailable',
    'Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).',
  ],
  504: ['request.timeout', 'The request timed out.'],
};

/** A 5xx ErrorBody for fault injection; unknown statuses fall back to the 500 code and text. */
export function serverError(status: number): ApiError {
  const [code, message] = SERVER_ERRORS[status] ?? SERVER_ERRORS[500];
  return new ApiError(status, code, message);
}

/** An ErrorBody for an arbitrary injected status (e.g. a group that answers 403 on writes). */
export function errorForStatus(status: number): ApiError {
  if (status >= 500) return serverError(status);
  switch (status) {
    case 400:
      return badRequest();
    case 401:
      return badCredentials();
    case 403:
      return notAuthorized();
    case 404:
      return notFound();
    case 409:
      return versionConflict();
    case 429:
      return tooManyRequests(1);
    default:
      return new ApiError(status, 'general.error', `The request failed with status ${status}.`);
  }
}
