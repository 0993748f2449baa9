/** `POST /api/reconciliations/:id/revert`: start a run that reverts run `:id` and return at once (202). */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { NotAReconciliationError, startRevert } from '../../client/revert';
import { HttpError } from '../http-error';
import { overridesSchema } from '../request-schemas';
import { parseBody } from '../validate';
import { checkRunIdParam } from './reconciliations';
import { respondStarted } from './status-url';

/** Body of the revert request (all optional: `{}` reverts the workflow's latest run, gated as the run was). */
export const revertRequestSchema = z.strictObject({
  /** The Temporal run id to revert (default: the latest run of the workflow id in the path). */
  runId: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  /** `plan`: compute and show the revert only; `apply` (default): gate and apply it. */
  mode: z.enum(['plan', 'apply']).default('apply'),
  overrides: overridesSchema.optional(),
  /** Who asks for the revert, recorded in the audit log. */
  requestedBy: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});

export function revertRoutes({ client, taskQueue }: { client: Client; taskQueue: string }): Router {
  const router = Router();
  router.param('id', checkRunIdParam);
  // 202 once the revert run is started: whether the run can be reverted is decided (and audited) by the revert run
  // itself, from the audit log; follow `statusUrl` for the plan, the approval and the result.
  router.post('/reconciliations/:id/revert', async (req, res) => {
    const body = parseBody(revertRequestSchema, req.body ?? {});
    let run;
    try {
      run = await startRevert(
        client,
        {
          target: { workflowId: req.params.id, ...(body.runId ? { runId: body.runId } : {}) },
          mode: body.mode,
          ...(body.overrides ? { overrides: body.overrides } : {}),
          ...(body.requestedBy ? { requestedBy: body.requestedBy } : {}),
        },
        { taskQueue },
      );
    } catch (err) {
      if (err instanceof NotAReconciliationError) throw new HttpError(400, err.message);
      throw err;
    }
    respondStarted(res, run);
  });
  return router;
}
