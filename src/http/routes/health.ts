/** `GET /healthz` (no auth): is the service up, and can it reach its Temporal namespace? */
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { failureMessage } from '../../client/failure-message';

/** How long the health check waits for Temporal; load balancers probe often and time out early. */
const PROBE_TIMEOUT_MS = 3000;

export function healthRoutes(client: Client, taskQueue: string): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const namespace = client.options.namespace;
    try {
      await client.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () =>
        client.workflowService.describeNamespace({ namespace }),
      );
      res.json({ status: 'ok', temporal: { reachable: true, namespace, taskQueue } });
    } catch (err) {
      res.status(503).json({
        status: 'unavailable',
        temporal: { reachable: false, namespace, taskQueue, error: failureMessage(err) },
      });
    }
  });
  return router;
}
