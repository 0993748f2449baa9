/** A run's status, and the approval decision on it: `/api/reconciliations/:id[/approve|/reject]`. */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Response } from 'express';
import { approve, DecisionRefusedError, describeRun, reject } from '../../client/reconciliation-client';
import type { BlobStore } from '../../store/blob-store';
import { DEFAULT_TOKEN_NAME } from '../auth';
import { HttpError } from '../http-error';
import { approveRequestSchema, rejectRequestSchema } from '../request-schemas';
import { parseBody } from '../validate';
import { planHandler } from './plan';
import { statusUrl } from './status-url';

/** Longest workflow id accepted in a URL (Temporal's default limit on ids is 1000 bytes). */
const MAX_WORKFLOW_ID_LENGTH = 1000;

/** A malformed `:id` is the caller's mistake: answer 400 here instead of asking Temporal (`router.param` handler). */
export function checkRunIdParam(_req: unknown, _res: unknown, next: (err?: unknown) => void, id: string): void {
  // eslint-disable-next-line no-control-regex
  if (id.length > MAX_WORKFLOW_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) {
    next(new HttpError(400, `invalid run id: at most ${MAX_WORKFLOW_ID_LENGTH} characters, no control characters`));
    return;
  }
  next();
}

export function reconciliationRoutes(client: Client, planStore?: BlobStore): Router {
  const router = Router();

  router.param('id', checkRunIdParam);

  router.get('/reconciliations/:id', async (req, res) => {
    res.json(await describeRun(client, req.params.id));
  });

  router.get('/reconciliations/:id/plan', planHandler(client, planStore));

  // Decisions are Updates: the run checks them (awaiting approval? this digest? someone named?) and answers before
  // the response is sent, so 200 means the run took the decision and 409 says why it did not.
  router.post('/reconciliations/:id/approve', async (req, res) => {
    const body = parseBody(approveRequestSchema, req.body);
    const accepted = await decided(client, req.params.id, () =>
      approve(client, req.params.id, { ...body, ...identity(res, body.by) }),
    );
    res.status(200).json({ workflowId: req.params.id, ...accepted, statusUrl: statusUrl(req.params.id) });
  });

  router.post('/reconciliations/:id/reject', async (req, res) => {
    const body = parseBody(rejectRequestSchema, req.body);
    const accepted = await decided(client, req.params.id, () =>
      reject(client, req.params.id, { ...body, ...identity(res, body.by) }),
    );
    res.status(200).json({ workflowId: req.params.id, ...accepted, statusUrl: statusUrl(req.params.id) });
  });

  return router;
}

/**
 * Who decides: a named token's caller is the approver (the body cannot speak for someone else); with the single
 * shared token, the body's `by` names them. Either way the audit entry records the token name.
 */
function identity(res: Response, by: string): { by: string; origin: { via: string; caller: string } } {
  const caller = String(res.locals.caller ?? DEFAULT_TOKEN_NAME);
  return { by: caller === DEFAULT_TOKEN_NAME ? by : caller, origin: { via: 'http', caller: caller } };
}

/** Runs a decision; a refusal is 409 with the run's reason, its phase and the digest it awaits (if it answers). */
async function decided<T>(client: Client, workflowId: string, decide: () => Promise<T>): Promise<T> {
  try {
    return await decide();
  } catch (err) {
    if (!(err instanceof DecisionRefusedError)) throw err;
    const run = await describeRun(client, workflowId, { queryTimeoutMs: 3000 }).catch(() => undefined);
    throw new HttpError(409, err.message, { phase: run?.status?.phase, planDigest: run?.status?.planDigest });
  }
}
