import { createServer } from 'node:net';
import type { Client } from '@temporalio/client';
import { connectClient, loadTemporalConfig } from '../../src/config/temporal-config';
import { createHttpApp } from '../../src/http/app';
import { memoryLogger, serveOnEphemeralPort, type TestServer } from './http-test-server';

/** A loopback port nobody listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('GET /healthz with Temporal down', () => {
  let client: Client;
  let server: TestServer;

  beforeAll(async () => {
    // A real (lazy) connection to a port with no server: the service must start anyway and say Temporal is down.
    client = await connectClient(loadTemporalConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}` }), {
      lazy: true,
    });
    const app = createHttpApp({ client, taskQueue: 'gcsync', apiToken: 'secret', logger: memoryLogger().logger });
    server = await serveOnEphemeralPort(app);
  });
  afterAll(async () => {
    await server.close();
    await client.connection.close();
  });

  it('answers 503 without authentication, naming the namespace and task queue', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; temporal: { reachable: boolean; error?: unknown } };
    expect(body).toMatchObject({
      status: 'unavailable',
      temporal: { reachable: false, namespace: 'default', taskQueue: 'gcsync' },
    });
    expect(typeof body.temporal.error).toBe('string');
  }, 15_000);
});
