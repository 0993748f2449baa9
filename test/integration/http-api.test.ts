/**
 * The HTTP service against the real workflow: the tutorial's body starts a run of the server's default rules, the
 * status resource follows it to its result, and approvals go through the API (a wrong digest answers 409).
 */
import type { ReconcileResult, RunStatus } from '../../workflows/messages';
import { useHttpService } from '../support/http-service';
import { SALES_GROUP, SUPPORT_GROUP } from '../support/operator-stack';
import { waitFor } from '../support/reconciler';

/** The fields the tests read from the service's answers. */
interface ApiBody {
  workflowId: string;
  runId?: string;
  statusUrl: string;
  signal?: string;
  executionStatus?: string;
  status?: RunStatus;
  result?: ReconcileResult;
  error?: string;
  phase?: string;
  planDigest?: string;
}

const service = useHttpService();
const api = (method: string, path: string, body?: unknown) => service.api<ApiBody>(method, path, body);

describe('HTTP service', () => {
  it('reports Temporal reachable on /healthz', async () => {
    const res = await fetch(`${service.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      temporal: { reachable: true, namespace: service.stack.temporal.namespace, taskQueue: service.stack.taskQueue },
    });
  });

  it("starts a run from the tutorial's body and returns at once; the status URL follows it to its result", async () => {
    const started = await api('POST', '/api/reconcile-groups', { targetGroups: [SALES_GROUP] });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({
      workflowId: expect.stringMatching(/^gcsync-apply-/),
      runId: expect.any(String),
      statusUrl: `/api/reconciliations/${started.body.workflowId}`,
    });
    expect(started.location).toBe(started.body.statusUrl);

    const closed = await waitFor(
      () => api('GET', started.body.statusUrl),
      (r) => r.body.executionStatus !== 'RUNNING',
      60_000,
    );
    expect(closed.status).toBe(200);
    expect(closed.body.result).toMatchObject({ status: 'completed' });
    expect(closed.body.status).toMatchObject({ phase: 'completed', mode: 'apply' });
    expect(service.stack.membersOf(SALES_GROUP)).toEqual(service.stack.expectedMembers(SALES_GROUP));
  });

  it('approves through the API: a wrong digest is 409, the right one applies', async () => {
    const started = await api('POST', '/api/reconcile-groups', {
      targetGroups: [SUPPORT_GROUP],
      overrides: { requireApproval: 'always', approvalTimeout: '10m' },
      requestedBy: 'it-http',
    });
    expect(started.status).toBe(202);
    const url = started.body.statusUrl;
    const waiting = await waitFor(
      () => api('GET', url),
      (r) => r.body.status?.awaitingApproval === true,
    );
    const digest = waiting.body.status!.planDigest!;

    const wrong = await api('POST', `${url}/approve`, { by: 'alice', planDigest: 'other' });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ planDigest: digest, phase: 'awaiting-approval' });

    const ok = await api('POST', `${url}/approve`, { by: 'alice', planDigest: digest, comment: 'CHG-2' });
    // An Update: the run took the decision before the response was sent.
    expect(ok).toMatchObject({
      status: 200,
      body: { workflowId: started.body.workflowId, decision: 'approved', by: 'alice', planDigest: digest },
    });

    const closed = await waitFor(
      () => api('GET', url),
      (r) => r.body.executionStatus === 'COMPLETED',
      60_000,
    );
    expect(closed.body.result?.status).toBe('completed');
    expect(closed.body.status?.approval).toMatchObject({ by: 'alice', comment: 'CHG-2' });

    const late = await api('POST', `${url}/reject`, { by: 'bob', reason: 'too late' });
    expect(late.status).toBe(409);
  });

  it('answers 404 for an unknown run', async () => {
    const res = await api('GET', '/api/reconciliations/gcsync-apply-does-not-exist');
    expect(res.status).toBe(404);
  });
});
