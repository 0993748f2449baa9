/** `POST /api/reconcile-groups`: start a run and return at once (202); the caller follows `statusUrl`. */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { startReconciliation } from '../../client/reconciliation-client';
import { HttpError } from '../http-error';
import { reconcileRequestSchema, toReconcileInput } from '../request-schemas';
import { parseBody } from '../validate';
import { statusUrl } from './status-url';

/** What the reconcile route needs. */
export interface ReconcileRouteDeps {
  client: Client;
  taskQueue: string;
  /** Rules used when a request names none (the tutorial's body); from `GCSYNC_RULES_FILE`. */
  defaultRulesRef?: string;
}

export function reconcileRoutes({ client, taskQueue, defaultRulesRef }: ReconcileRouteDeps): Router {
  const router = Router();
  router.post('/reconcile-groups', async (req, res) => {
    const request = parseBody(reconcileRequestSchema, req.body);
    const input = toReconcileInput(request, defaultRulesRef);
    if (!input) {
      throw new HttpError(400, 'invalid request', {
        issues: [
          { path: 'rulesRef', message: 'give rules or rulesRef: this server has no default rules (GCSYNC_RULES_FILE)' },
        ],
      });
    }
    const run = await startReconciliation(client, input, { taskQueue });
    const url = statusUrl(run.workflowId);
    res
      .status(202)
      .location(url)
      .json({ ...run, statusUrl: url });
  });
  return router;
}
