/**
 * `notifyRun`: posts a run's alert (approval needed, drift found, aborted, failed) to the worker's webhook. The URL
 * and format come from the worker's configuration (`GCSYNC_NOTIFY_*`), never from the workflow, so a token in the URL
 * stays out of inputs, history and audit; log lines name the webhook as scheme and host only.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { buildNotificationBody, type RunNotification } from '../src/core/notification';
import { postNotification, WebhookError } from '../src/notify/webhook';
import type { ActivityDeps } from './deps';

/** Failure type of a notification the webhook refused (a 4xx other than 408/425/429): sending it again is pointless. */
export const NOTIFY_REJECTED = 'NotifyRejected';
/** Failure type of a notification that may get through on a later attempt (timeout, network, 5xx, 429). */
export const NOTIFY_FAILED = 'NotifyFailed';

/** What `notifyRun` did: nothing (no webhook configured) or sent (with the answer's status). */
export type NotifyRunResult = { status: 'off' } | { status: 'sent'; httpStatus: number };

export function makeNotifyRun(deps: ActivityDeps) {
  return async function notifyRun(notification: RunNotification): Promise<NotifyRunResult> {
    const config = deps.notify;
    if (!config) return { status: 'off' };
    const context = Context.current();
    const body = buildNotificationBody(
      notification,
      { namespace: context.info.namespace, webUiUrl: config.webUiUrl, apiUrl: config.apiUrl },
      config.format,
    );
    try {
      const httpStatus = await postNotification(config, body, context.cancellationSignal);
      context.log.info('notification sent', { kind: notification.kind, webhook: config.maskedUrl, httpStatus });
      return { status: 'sent', httpStatus };
    } catch (err) {
      if (!(err instanceof WebhookError)) throw err;
      context.log.warn('notification not delivered', { kind: notification.kind, error: err.message });
      throw ApplicationFailure.create({
        message: err.message,
        type: err.retryable ? NOTIFY_FAILED : NOTIFY_REJECTED,
        nonRetryable: !err.retryable,
      });
    }
  };
}
