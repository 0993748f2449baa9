/**
 * `GET /api/reconciliations/:id/plan[?group=G][&page=N][&pageSize=M]`: a run's plan, paged.
 *
 * Without `group`: a page of group summaries (counts and each changed group's first member lines), from the run's
 * `plan` query. With `group` (its id, its name, or the name or id written in the rules): a page of that group's
 * member lines (removals, then additions: id, name, email, username, the clause and the reason), read from the plan
 * store the workers write to; the workflow only says where the plan is stored.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RequestHandler } from 'express';
import { RECONCILE_WORKFLOW_TYPE } from '../../../workflows/messages';
import { getPlan } from '../../client/reconciliation-client';
import { parseMemberPageRequest } from '../../core/plan-member-page';
import type { BlobStore } from '../../store/blob-store';
import { PlanGroupNotChangedError, StoredPlanMissingError, StoredPlanReader } from '../../store/plan-reader';
import { HttpError } from '../http-error';

/** How long the route waits for a worker to answer the `plan` query. */
const QUERY_TIMEOUT_MS = 5_000;
/** Longest `group` value: a group name or id (Genesys names are at most a few hundred characters). */
const MAX_GROUP_LENGTH = 1_000;
const QUERY_KEYS = new Set(['group', 'page', 'pageSize']);

/**
 * The route's handler.
 *
 * @param planStore the plan store the workers write to (`openBlobStore` with their `DATABASE_URL` /
 * `GCSYNC_DATA_DIR`); without it, `?group=` answers 503.
 */
export function planHandler(client: Client, planStore: BlobStore | undefined): RequestHandler {
  const reader = planStore ? new StoredPlanReader(planStore) : undefined;
  return async (req, res) => {
    const workflowId = String(req.params.id);
    const query = parseQuery(req.query);
    const info = await client.workflow.getHandle(workflowId).describe();
    // Other workflows of the namespace are not exposed.
    if (info.type !== RECONCILE_WORKFLOW_TYPE) {
      throw new WorkflowNotFoundError(`no ${RECONCILE_WORKFLOW_TYPE} run with id ${workflowId}`, workflowId, undefined);
    }
    if (query.group === undefined) {
      const page = await getPlan(
        client,
        workflowId,
        { page: query.page, pageSize: query.pageSize },
        { timeoutMs: QUERY_TIMEOUT_MS },
      );
      const { planRef: _ref, ...summaries } = page;
      res.json({ workflowId, ...summaries });
      return;
    }
    if (!reader) throw new HttpError(503, 'this service has no plan store configured, so it cannot list members');
    const { planRef } = await getPlan(client, workflowId, { page: 1, pageSize: 1 }, { timeoutMs: QUERY_TIMEOUT_MS });
    if (!planRef) {
      throw new HttpError(409, 'the run has no plan yet (it is still reading or planning, or it ended before a plan)');
    }
    try {
      const { lines, ...page } = await reader.groupPage(planRef, query.group, query);
      res.json({ workflowId, ...page, members: lines });
    } catch (err) {
      if (err instanceof PlanGroupNotChangedError) throw new HttpError(404, err.message);
      if (err instanceof StoredPlanMissingError) throw new HttpError(503, err.message);
      throw err;
    }
  };
}

function parseQuery(query: Record<string, unknown>): { group?: string; page: number; pageSize: number } {
  const unknown = Object.keys(query).filter((key) => !QUERY_KEYS.has(key));
  if (unknown.length) throw new HttpError(400, `unknown query parameter ${unknown.join(', ')} (group, page, pageSize)`);
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new HttpError(400, `${key} must be given once, as text`);
  }
  const group = query.group as string | undefined;
  // eslint-disable-next-line no-control-regex
  if (group !== undefined && (group === '' || group.length > MAX_GROUP_LENGTH || /[\u0000-\u001f\u007f]/.test(group))) {
    throw new HttpError(400, `group must be 1..${MAX_GROUP_LENGTH} characters, no control characters`);
  }
  const request = parseMemberPageRequest(query.page, query.pageSize);
  if (typeof request === 'string') throw new HttpError(400, request);
  return { ...(group !== undefined ? { group } : {}), ...request };
}
