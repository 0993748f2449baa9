/** The final error handlers: JSON bodies, no stack traces, details logged server-side. */
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { failureMessage } from '../client/failure-message';
import { HttpError } from './http-error';

/** 404 for any route not defined. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: `no route ${req.method} ${req.path}` });
};

/**
 * Maps errors to a status and `{error: message}`: request errors keep their status, unknown workflows are 404,
 * an unreachable Temporal is 503 (another Temporal error 502), anything else is 500 (and logged with its stack, never the request's headers).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body } = toResponse(err);
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(status).json(body);
  };
}

function toResponse(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...err.body } };
  if (err instanceof WorkflowNotFoundError) return { status: 404, body: { error: err.message } };
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return { status: 409, body: { error: 'a run with this workflow id is already running' } };
  }
  if (err instanceof ServiceError || isGrpcServiceError(err)) {
    const code = isGrpcServiceError(err) ? err.code : isGrpcServiceError(err.cause) ? err.cause.code : undefined;
    const unreachable = code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
    return { status: unreachable ? 503 : 502, body: { error: `Temporal request failed: ${failureMessage(err)}` } };
  }
  const parserError = bodyParserError(err);
  if (parserError) return parserError;
  return { status: 500, body: { error: err instanceof Error ? err.message : 'internal error' } };
}

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

// express.json() raises http-errors: a status, and `expose` when the message is meant for the client. The router
// raises a plain error with `status: 400` (no `expose`) when a URL parameter is not valid percent-encoding. Any error
// carrying a 4xx status is the client's: it keeps its status (a 500 would blame the server and page someone), and
// its message is shown only when marked for the client.
function bodyParserError(err: unknown): { status: number; body: Record<string, unknown> } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode, expose, type, message } = err as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    type?: unknown;
    message?: unknown;
  };
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code >= 500) return undefined;
  if (type === 'entity.parse.failed') return { status: code, body: { error: 'invalid JSON body' } };
  if (err instanceof URIError || (typeof message === 'string' && message.startsWith('Failed to decode param'))) {
    return { status: 400, body: { error: 'malformed percent-encoding in the URL' } };
  }
  const shown = expose === true && typeof message === 'string' ? message : 'bad request';
  return { status: code, body: { error: shown } };
}
