/**
 * Posts one JSON notification to the webhook, with a timeout. Errors are built from scratch (never an axios error,
 * whose `config` holds the URL and its token) and name the URL only as scheme and host.
 */
import axios from 'axios';
import type { NotifyConfig } from './config';

/** A failed POST: `retryable` for timeouts, network errors, 408/425/429 and 5xx. */
export class WebhookError extends Error {
  override readonly name = 'WebhookError';

  constructor(
    message: string,
    readonly retryable: boolean,
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * POSTs `body` as JSON to the configured URL.
 *
 * @returns the HTTP status (2xx).
 * @throws WebhookError for any other answer or none in time.
 */
export async function postNotification(config: NotifyConfig, body: unknown, signal?: AbortSignal): Promise<number> {
  let status: number;
  try {
    const response = await axios.post(config.url.reveal(), body, {
      timeout: config.timeoutMs,
      headers: { 'Content-Type': 'application/json' },
      // Every status is judged below; redirects are not followed (a webhook that moves is misconfigured).
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      ...(signal ? { signal } : {}),
    });
    status = response.status;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    throw new WebhookError(
      timedOut
        ? `webhook ${config.maskedUrl} did not answer within ${config.timeoutMs} ms`
        : `webhook ${config.maskedUrl} unreachable (${code})`,
      true,
      0,
    );
  }
  if (status >= 200 && status < 300) return status;
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  throw new WebhookError(`webhook ${config.maskedUrl} answered HTTP ${status}`, retryable, status);
}
