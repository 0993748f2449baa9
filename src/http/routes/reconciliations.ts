/** A run's status, and the approval decision on it: `/api/reconciliations/:id[/approve|/reject]`. */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { approvalProblem } from '../../client/approval-check';
import { approve, describeRun, reject } from '../../client/reconciliation-client';
import { HttpError } from '../http-error';
import { approveRequestSchema, rejectRequestSchema } from '../request-schemas';
import { parseBody } from '../validate';
import { statusUrl } from './status-url';

/** Longest workflow id accepted in a URL (Temporal's default limit on ids is 1000 bytes). */
const MAX_WORKFLOW_ID_LENGTH = 1000;

export function reconciliationRoutes(client: Client): Router {
  const router = Router();

  // A malformed id is the caller's mistake: answer 400 here instead of asking Temporal.
  router.param('id', (_req, _res, next, id: string) => {
    // eslint-disable-next-line no-control-regex
    if (id.length > MAX_WORKFLOW_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) {
      next(new HttpError(400, `invalid run id: at most ${MAX_WORKFLOW_ID_LENGTH} characters, no control characters`));
      return;
    }
    next();
  });

  router.get('/reconciliations/:id', async (req, res) => {
    res.json(await describeRun(client, req.params.id));
  });

  router.post('/reconciliations/:id/approve', async (req, res) => {
    const body = parseBody(approveRequestSchema, req.body);
    await refuseIfNotDecidable(client, req.params.id, body.planDigest);
    await approve(client, req.params.id, body);
    res.status(202).json({ workflowId: req.params.id, signal: 'approve', statusUrl: statusUrl(req.params.id) });
  });

  router.post('/reconciliations/:id/reject', async (req, res) => {
    const body = parseBody(rejectRequestSchema, req.body);
    await refuseIfNotDecidable(client, req.params.id);
    await reject(client, req.params.id, body);
    res.status(202).json({ workflowId: req.params.id, signal: 'reject', statusUrl: statusUrl(req.params.id) });
  });

  return router;
}

/**
 * Answers 409 at once when the decision cannot take effect (run closed, not waiting, other digest) instead of
 * sending a signal the workflow would ignore. When no worker answers the status query, the signal is sent anyway:
 * the workflow still checks the digest itself.
 */
async function refuseIfNotDecidable(client: Client, workflowId: string, planDigest?: string): Promise<void> {
  const run = await describeRun(client, workflowId, { queryTimeoutMs: 3000 });
  if (run.executionStatus !== 'RUNNING') {
    throw new HttpError(409, `the run is closed (${run.executionStatus.toLowerCase()})`);
  }
  const problem = run.status && approvalProblem(run.status, planDigest);
  if (problem) throw new HttpError(409, problem, { phase: run.status?.phase, planDigest: run.status?.planDigest });
}
