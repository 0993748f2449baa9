import { ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import express from 'express';
import { errorHandler, notFound } from '../../src/http/errors';
import { HttpError } from '../../src/http/http-error';
import { memoryLogger, serveOnEphemeralPort } from './http-test-server';

function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code, details: message, metadata: {} });
}

/** An app whose only route throws `err`, behind the real final handlers. */
async function statusFor(err: unknown): Promise<{ status: number; body: unknown; logged: string }> {
  const log = memoryLogger();
  const app = express();
  app.get('/boom', () => {
    throw err;
  });
  app.use(notFound);
  app.use(errorHandler(log.logger));
  const server = await serveOnEphemeralPort(app);
  try {
    const res = await fetch(`${server.url}/boom`);
    return { status: res.status, body: await res.json(), logged: log.lines() };
  } finally {
    await server.close();
  }
}

describe('errorHandler', () => {
  it('keeps the status and extra fields of an HttpError', async () => {
    const r = await statusFor(new HttpError(409, 'the run is closed (completed)', { phase: 'completed' }));
    expect(r).toMatchObject({ status: 409, body: { error: 'the run is closed (completed)', phase: 'completed' } });
    expect(r.logged).toBe('');
  });

  it('maps an unknown workflow to 404', async () => {
    const r = await statusFor(new WorkflowNotFoundError('workflow not found for ID: x', 'x', undefined));
    expect(r).toMatchObject({ status: 404, body: { error: 'workflow not found for ID: x' } });
  });

  it('maps a duplicate workflow id to 409', async () => {
    const r = await statusFor(new WorkflowExecutionAlreadyStartedError('started', 'w', 'reconcileGroups'));
    expect(r).toMatchObject({ status: 409, body: { error: 'a run with this workflow id is already running' } });
  });

  it('maps an unreachable Temporal to 503 and other Temporal errors to 502, with the innermost reason', async () => {
    const down = await statusFor(
      new ServiceError('Failed to start Workflow', { cause: grpcError(14, '14 UNAVAILABLE: connect ECONNREFUSED') }),
    );
    expect(down).toMatchObject({
      status: 503,
      body: { error: 'Temporal request failed: 14 UNAVAILABLE: connect ECONNREFUSED' },
    });
    const other = await statusFor(new ServiceError('Failed', { cause: grpcError(7, '7 PERMISSION_DENIED: no') }));
    expect(other.status).toBe(502);
  });

  it('answers 500 {error: message} for anything else and logs the stack', async () => {
    const r = await statusFor(new TypeError('cannot read properties of undefined'));
    expect(r).toEqual(expect.objectContaining({ status: 500, body: { error: 'cannot read properties of undefined' } }));
    expect(r.logged).toContain('TypeError: cannot read properties of undefined');
  });

  it('answers 404 JSON for an unknown route', async () => {
    const log = memoryLogger();
    const app = express();
    app.use(notFound);
    app.use(errorHandler(log.logger));
    const server = await serveOnEphemeralPort(app);
    try {
      const res = await fetch(`${server.url}/nope`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'no route GET /nope' });
    } finally {
      await server.close();
    }
  });
});
