/**
 * `notifyScim`: tells the IdP what changed in one group, as RFC 7644 PatchOp deltas (never a full member list).
 * Chunk progress is heartbeated, so a retry after a crash or a 429 sends only the chunks not yet accepted.
 */
import { activityInfo, ApplicationFailure, heartbeat } from '@temporalio/activity';
import { ScimError } from '../src/scim/errors';
import type { AppliedChanges } from './apply-group';
import { auditIds, type ActivityDeps } from './deps';
import type { NotifyScimInput, NotifyScimResult } from './types';

interface ScimCursor {
  nextChunk: number;
  chunkSize: number;
  requests: number;
  ops: number;
}

export function makeNotifyScim(deps: ActivityDeps) {
  return async function notifyScim(input: NotifyScimInput): Promise<NotifyScimResult> {
    if (!deps.scim) return { status: 'off' };
    const applied = await deps.blobs.get<AppliedChanges>(input.appliedRef);
    const resumed = activityInfo().heartbeatDetails as ScimCursor | undefined;
    const cursor: ScimCursor = resumed ?? { nextChunk: 0, chunkSize: 0, requests: 0, ops: 0 };
    const base = {
      type: 'scim.notify' as const,
      at: new Date().toISOString(),
      workflowId: input.ctx.workflowId,
      runId: input.ctx.runId,
      groupId: input.groupId,
      groupName: input.groupName,
      idpGroupId: input.idpGroupId,
    };
    try {
      const result = await deps.scim.notifyGroup({
        idpGroupId: input.idpGroupId,
        add: applied.added,
        remove: applied.removed,
        startChunk: cursor.nextChunk,
        ...(cursor.chunkSize ? { chunkSize: cursor.chunkSize } : {}),
        onChunkDone: (index, progress) => {
          cursor.nextChunk = index + 1;
          cursor.chunkSize = progress.chunkSize;
          cursor.requests += 1;
          heartbeat(cursor);
        },
      });
      const ops = cursor.ops + result.ops;
      await deps.audit.append([
        {
          ...base,
          id: auditIds.scim(input.ctx, input.groupId, 'sent'),
          ops,
          outcome: 'sent',
          httpStatus: result.statuses.at(-1),
          requests: cursor.requests,
        },
      ]);
      return { status: 'notified', requests: cursor.requests, ops };
    } catch (err) {
      if (!(err instanceof ScimError)) {
        throw ApplicationFailure.create({
          message: `SCIM notify: ${(err as Error).message}`,
          type: 'ScimMisconfigured',
          nonRetryable: true,
        });
      }
      if (!err.retryable) {
        await deps.audit.append([
          {
            ...base,
            id: auditIds.scim(input.ctx, input.groupId, 'failed'),
            ops: 0,
            outcome: 'failed',
            httpStatus: err.status,
            error: err.message,
          },
        ]);
      }
      throw ApplicationFailure.create({
        message: err.message,
        type: err.retryable ? 'ScimUnavailable' : 'ScimRejected',
        nonRetryable: !err.retryable,
        ...(err.retryAfterSeconds ? { nextRetryDelay: err.retryAfterSeconds * 1000 } : {}),
        details: [{ status: err.status, scimType: err.scimType }],
      });
    }
  };
}
