import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RunStatus } from '../../../workflows/messages';
import { getStatus } from '../../client/reconciliation-client';

/**
 * The run's status before an approval or rejection, or `undefined` when no worker answers in time (the signal can
 * still be sent: Temporal keeps it until a worker runs the workflow). A run that does not exist is an error.
 */
export async function statusBeforeDecision(client: Client, workflowId: string): Promise<RunStatus | undefined> {
  try {
    return await getStatus(client, workflowId, { timeoutMs: 5000 });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Error(`no run ${workflowId}: ${err.message}`);
    return undefined;
  }
}
