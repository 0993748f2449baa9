/** What the activities need from the worker: long-lived clients and stores, created once per worker process. */
import type { AuditSink } from '../src/audit/sink';
import type { NotifyConfig } from '../src/notify/config';
import type { ScimNotifier } from '../src/scim/client';
import type { BlobStore } from '../src/store/blob-store';
import type { OwnershipLedger } from '../src/store/ownership-ledger';
import type { ScimOutbox } from '../src/store/scim-outbox';
import type { GenesysDirectory } from './directory';
import type { RunContext } from './types';

export interface ActivityDeps {
  directory: GenesysDirectory;
  blobs: BlobStore;
  audit: AuditSink;
  ledger: OwnershipLedger;
  /** Undefined when `SCIM_BASE_URL` is unset: notifications are off. */
  scim?: ScimNotifier;
  /**
   * Durable outbox of SCIM notifications the IdP has not accepted yet; required whenever `scim` is set (the SCIM
   * activities fail as misconfigured without it, rather than drop a notification).
   */
  scimOutbox?: ScimOutbox;
  /** Webhook for run notifications (`GCSYNC_NOTIFY_URL`); undefined = notifications off. */
  notify?: NotifyConfig;
  /** Folder that relative `rulesRef` paths are resolved against (default: the worker's working directory). */
  rulesDir?: string;
  /** Groups applied at once when the run does not override it. */
  defaultConcurrency?: number;
  /** Users per `GET /api/v2/users` page (500, the largest the API accepts). */
  usersPageSize?: number;
  /**
   * Directory reads in flight at once inside one activity (user pages after the first, group individuals). The
   * shared pacer keeps them within the token's budget; parallelism only hides latency. Default 8.
   */
  readConcurrency?: number;
}

/** Deterministic blob keys: a retried activity overwrites the same object. */
export const blobKeys = {
  rules: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/rules.json`,
  /** One users page of listing round `round` (a re-list never mixes its pages with an earlier round's). */
  usersPage: (c: RunContext, page: number, round = 1) =>
    `runs/${c.workflowId}/${c.runId}/users/${round > 1 ? `r${round}/` : ''}page-${String(page).padStart(5, '0')}.json`,
  /** One page of the cursor listing (`/users/query`) of listing round `round`, used past a result window. */
  usersCursorPage: (c: RunContext, page: number, round = 1) =>
    `runs/${c.workflowId}/${c.runId}/users/${round > 1 ? `r${round}/` : ''}cursor-${String(page).padStart(5, '0')}.json`,
  usersManifest: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/users.json`,
  group: (c: RunContext, groupId: string) => `runs/${c.workflowId}/${c.runId}/groups/${groupId}.json`,
  groupsManifest: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/groups.json`,
  targets: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/targets.json`,
  plan: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/plan.json`,
  /** One changed group's plan: all `applyGroup` loads. */
  groupPlan: (c: RunContext, groupId: string) => `runs/${c.workflowId}/${c.runId}/plan/${groupId}.json`,
  planSummaries: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/plan-summaries.json`,
  changed: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/changed.json`,
  runStats: (c: RunContext) => `runs/${c.workflowId}/${c.runId}/stats.json`,
  /** What the last completed run saw (the shrink guard compares against it). */
  lastCompletedRun: () => 'state/last-completed-run.json',
  applied: (c: RunContext, groupId: string) => `runs/${c.workflowId}/${c.runId}/applied/${groupId}.json`,
};

/** Deterministic audit entry ids (see design: a retry never duplicates an entry, a crash never loses one). */
export const auditIds = {
  membership: (c: RunContext, groupId: string, op: 'add' | 'remove', userId: string) =>
    `${c.workflowId}/${c.runId}/membership/${groupId}/${op}/${userId}`,
  groupFailed: (c: RunContext, groupId: string) => `${c.workflowId}/${c.runId}/group-failed/${groupId}`,
  scim: (c: RunContext, groupId: string, outcome: string) => `${c.workflowId}/${c.runId}/scim/${groupId}/${outcome}`,
  scimOutbox: (c: RunContext, groupId: string, outcome: 'delivered' | 'pending' | 'skipped') =>
    `${c.workflowId}/${c.runId}/scim-outbox/${groupId}/${outcome}`,
};

/** Idempotency key of a group's applied delta in the SCIM outbox: one per run and group. */
export const scimDeltaKey = (c: RunContext, groupId: string) => `${c.workflowId}/${c.runId}/${groupId}`;
