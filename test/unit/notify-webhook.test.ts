import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadNotifyConfig, type NotifyConfig } from '../../src/notify/config';
import { postNotification, WebhookError } from '../../src/notify/webhook';

const TOKEN = 'hook-token-not-real';
let server: Server;
let answer: (res: ServerResponse) => void;
const bodies: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      answer(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function config(timeoutMs = 2_000): NotifyConfig {
  const port = (server.address() as AddressInfo).port;
  return loadNotifyConfig({
    GCSYNC_NOTIFY_URL: `http://127.0.0.1:${port}/hooks/${TOKEN}`,
    GCSYNC_NOTIFY_TIMEOUT_MS: String(timeoutMs),
  })!;
}

async function failure(cfg: NotifyConfig): Promise<WebhookError> {
  const err = await postNotification(cfg, { text: 'x' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookError);
  expect((err as Error).message).not.toContain(TOKEN);
  return err as WebhookError;
}

describe('postNotification', () => {
  it('POSTs the body as JSON and returns the 2xx status', async () => {
    answer = (res) => res.writeHead(204).end();
    await expect(postNotification(config(), { text: 'hello' })).resolves.toBe(204);
    expect(bodies.at(-1)).toEqual({ text: 'hello' });
  });

  it('a 4xx is final (not retryable), a 5xx or 429 is retryable; the URL shows as scheme and host only', async () => {
    answer = (res) => res.writeHead(400).end('invalid_payload');
    const refused = await failure(config());
    expect(refused).toMatchObject({ retryable: false, status: 400 });
    expect(refused.message).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+\/\*\*\* answered HTTP 400$/);
    answer = (res) => res.writeHead(503).end();
    expect(await failure(config())).toMatchObject({ retryable: true, status: 503 });
    answer = (res) => res.writeHead(429).end();
    expect(await failure(config())).toMatchObject({ retryable: true, status: 429 });
  });

  it('a webhook that does not answer in time fails retryably with the timeout', async () => {
    answer = () => undefined; // never answers
    const err = await failure(config(200));
    expect(err).toMatchObject({ retryable: true, status: 0 });
    expect(err.message).toMatch(/did not answer within 200 ms$/);
    server.closeAllConnections();
  });
});
