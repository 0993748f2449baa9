/**
 * `POST /api/reconciliations/:id/revert` against the real workflow: 202 with the run id resolved, the revert run
 * followed through the status resource puts the groups back; a misspelt field is a 400.
 */
import type { ReconcileResult, RevertTarget } from '../../workflows/messages';
import { useHttpService } from '../support/http-service';
import { SALES_GROUP, SUPPORT_GROUP } from '../support/operator-stack';
import { waitFor } from '../support/reconciler';

interface ApiBody {
  workflowId: string;
  runId?: string;
  revertOf?: RevertTarget;
  statusUrl: string;
  executionStatus?: string;
  result?: ReconcileResult;
  error?: string;
  issues?: { path: string; message: string }[];
}

const service = useHttpService();
const api = (method: string, path: string, body?: unknown) => service.api<ApiBody>(method, path, body);
const resultOf = async (statusUrl: string) =>
  (
    await waitFor(
      () => api('GET', statusUrl),
      (r) => r.body.executionStatus === 'COMPLETED',
    )
  ).body.result!;
const membership = () => [service.stack.membersOf(SUPPORT_GROUP), service.stack.membersOf(SALES_GROUP)];

it('reverts a run started over HTTP: 202, then the groups are as before the run', async () => {
  const before = membership();
  const started = await api('POST', '/api/reconcile-groups', {});
  expect(started.status).toBe(202);
  expect((await resultOf(started.body.statusUrl)).status).toBe('completed');
  expect(membership()).not.toEqual(before);

  const revert = await api('POST', `/api/reconciliations/${started.body.workflowId}/revert`, {
    requestedBy: 'ops-bot',
  });
  expect(revert.status).toBe(202);
  expect(revert.body).toMatchObject({
    workflowId: expect.stringMatching(/^gcsync-revert-/),
    revertOf: { workflowId: started.body.workflowId, runId: started.body.runId },
    statusUrl: `/api/reconciliations/${revert.body.workflowId}`,
  });
  const result = await resultOf(revert.body.statusUrl);
  expect(result.status).toBe('completed');
  expect(membership()).toEqual(before);
});

it('answers 400 for a misspelt field, starting nothing', async () => {
  const res = await api('POST', '/api/reconciliations/gcsync-apply-x/revert', { runid: 'r' });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).toContain('runid');
});
