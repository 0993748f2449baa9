/**
 * The body of a drift / approval / failure alert posted to a webhook (`GCSYNC_NOTIFY_URL`). Pure: the workflow hands
 * the run's facts (ids, digest, totals, reasons; never a secret), the worker adds its public links, and this builds
 * either gcsync's own JSON document or a Slack-compatible `{text, blocks}` message.
 */

/** Why a run notifies. */
export type NotificationKind = 'approval-needed' | 'drift-detected' | 'run-aborted' | 'run-failed';

/** The facts of a run a notification reports (all from the workflow; secret-free). */
export interface RunNotification {
  kind: NotificationKind;
  workflowId: string;
  runId: string;
  /** `apply` or `plan`. */
  mode: string;
  planDigest?: string;
  totals?: { groups: number; groupsChanged: number; adds: number; removes: number };
  /** Why approval is needed (the gate's reasons). */
  reasons?: string[];
  /** When a pending approval expires (ISO-8601). */
  approvalDeadline?: string;
  /** What went wrong (aborted or failed runs). */
  message?: string;
  /** Groups that failed in an applied run. */
  failedGroups?: number;
}

/** Where operators act, as configured on the worker (both optional; no secret). */
export interface NotificationLinks {
  /** Temporal namespace of the run. */
  namespace: string;
  /** Temporal Web UI base, e.g. `http://127.0.0.1:8233`. */
  webUiUrl?: string;
  /** Base URL of `gcsync serve`, e.g. `https://gcsync.example.com`. */
  apiUrl?: string;
}

/** `json`: gcsync's own document; `slack`: `{text, blocks}` for Slack incoming webhooks (and compatible chats). */
export type NotificationFormat = 'json' | 'slack';

/** How to approve the waiting run, three ways. */
export interface ApprovalInstructions {
  /** The exact command (the digest is the plan's). */
  cli: string;
  /** The HTTP request to `gcsync serve`; `url` is a path when no API URL is configured. */
  http: { method: 'POST'; url: string; body: { by: string; planDigest: string } };
  /** The Web UI page of the run (when a Web UI URL is configured) and the signal to send there. */
  webUi: { url?: string; signal: 'approve'; input: { by: string; planDigest: string } };
}

/** gcsync's JSON notification document (`GCSYNC_NOTIFY_FORMAT=json`). */
export interface NotificationDocument {
  source: 'gcsync';
  event: NotificationKind;
  /** One line, for chat tools that show only a text field. */
  text: string;
  run: RunNotification & { namespace: string; webUiUrl?: string };
  approve?: ApprovalInstructions;
}

/** A Slack incoming-webhook message. */
export interface SlackMessage {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

const APPROVER = '<you>';

/** The body to POST for `notification`, in `format`. */
export function buildNotificationBody(
  notification: RunNotification,
  links: NotificationLinks,
  format: NotificationFormat,
): NotificationDocument | SlackMessage {
  const document = notificationDocument(notification, links);
  return format === 'slack' ? slackMessage(document) : document;
}

/** gcsync's JSON document for `notification`. */
export function notificationDocument(notification: RunNotification, links: NotificationLinks): NotificationDocument {
  const webUiUrl = runPageUrl(notification, links);
  return {
    source: 'gcsync',
    event: notification.kind,
    text: headline(notification),
    run: { ...notification, namespace: links.namespace, ...(webUiUrl ? { webUiUrl } : {}) },
    ...(notification.kind === 'approval-needed' && notification.planDigest
      ? { approve: approvalInstructions(notification.workflowId, notification.planDigest, links, webUiUrl) }
      : {}),
  };
}

/** One line saying what happened to which run. */
export function headline(n: RunNotification): string {
  const changes = n.totals ? `+${n.totals.adds} -${n.totals.removes} in ${groups(n.totals.groupsChanged)}` : '';
  switch (n.kind) {
    case 'approval-needed':
      return `gcsync: run ${n.workflowId} needs approval (${changes})`;
    case 'drift-detected':
      return `gcsync: drift found by plan-only run ${n.workflowId} (${changes} to bring in line)`;
    case 'run-aborted':
      return `gcsync: run ${n.workflowId} aborted, nothing written: ${n.message ?? 'no reason given'}`;
    case 'run-failed':
      return `gcsync: run ${n.workflowId} failed: ${n.message ?? 'no reason given'}`;
  }
}

function approvalInstructions(
  workflowId: string,
  planDigest: string,
  links: NotificationLinks,
  webUiUrl: string | undefined,
): ApprovalInstructions {
  const input = { by: APPROVER, planDigest };
  const path = `/api/reconciliations/${encodeURIComponent(workflowId)}/approve`;
  return {
    cli: `gcsync approve ${workflowId} --by ${APPROVER} --digest ${planDigest}`,
    http: { method: 'POST', url: links.apiUrl ? `${trimSlash(links.apiUrl)}${path}` : path, body: input },
    webUi: { ...(webUiUrl ? { url: webUiUrl } : {}), signal: 'approve', input },
  };
}

function runPageUrl(n: RunNotification, links: NotificationLinks): string | undefined {
  if (!links.webUiUrl) return undefined;
  const ns = encodeURIComponent(links.namespace);
  return `${trimSlash(links.webUiUrl)}/namespaces/${ns}/workflows/${encodeURIComponent(n.workflowId)}/${n.runId}/history`;
}

function slackMessage(doc: NotificationDocument): SlackMessage {
  const n = doc.run;
  const facts = [
    `*Run:* \`${n.workflowId}\` (mode ${n.mode})${doc.run.webUiUrl ? ` <${doc.run.webUiUrl}|Web UI>` : ''}`,
    n.planDigest ? `*Plan digest:* \`${n.planDigest}\`` : undefined,
    n.reasons?.length ? `*Why:* ${escapeMrkdwn(n.reasons.join('; '))}` : undefined,
    n.approvalDeadline ? `*Expires:* ${n.approvalDeadline}` : undefined,
    n.failedGroups ? `*Failed groups:* ${n.failedGroups}` : undefined,
  ].filter((line): line is string => line !== undefined);
  const blocks: SlackMessage['blocks'] = [section(`*${escapeMrkdwn(doc.text)}*`), section(facts.join('\n'))];
  if (doc.approve) {
    const a = doc.approve;
    blocks.push(
      section(
        [
          `*Approve (CLI):* \`${a.cli}\``,
          `*Approve (HTTP):* \`${a.http.method} ${a.http.url}\` with \`${JSON.stringify(a.http.body)}\``,
          `*Approve (Web UI):* ${a.webUi.url ? `<${a.webUi.url}|open the run>, ` : 'open the run, '}` +
            `"Send a Signal", name \`approve\`, input \`${JSON.stringify(a.webUi.input)}\``,
        ].join('\n'),
      ),
    );
  }
  return { text: doc.text, blocks };
}

function section(text: string): SlackMessage['blocks'][number] {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Slack's three control characters; group names and messages are data. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function groups(n: number): string {
  return n === 1 ? '1 group' : `${n} groups`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
