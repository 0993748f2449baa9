/**
 * The HTTP service (`createHttpApp`) on a free loopback port over a real operator stack (dev server, emulator,
 * worker), started once per test file with jest hooks, and a small client for its JSON answers.
 *
 * ```ts
 * const service = useHttpService();
 * const started = await service.api<ApiBody>('POST', '/api/reconcile-groups', {});
 * ```
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createHttpApp } from '../../src/http/app';
import { closeServer, listen } from '../../src/http/server';
import { startReconcileStack, type ReconcileStack } from './operator-stack';

/** The bearer token the service accepts in these tests. */
export const HTTP_TEST_TOKEN = 'it-token';

/** A JSON answer of the service. */
export interface ServiceAnswer<B> {
  status: number;
  body: B;
  location: string | null;
}

export interface HttpService {
  /** The stack behind the service (set in `beforeAll`). */
  readonly stack: ReconcileStack;
  /** `http://127.0.0.1:<port>` (set in `beforeAll`). */
  readonly base: string;
  /** Calls the service with the test token and a JSON body, and parses the JSON answer. */
  api<B>(method: string, path: string, body?: unknown): Promise<ServiceAnswer<B>>;
}

/** Registers `beforeAll`/`afterAll` hooks that start and stop the stack and the service. */
export function useHttpService(): HttpService {
  let stack: ReconcileStack | undefined;
  let server: Server | undefined;
  let base: string | undefined;
  beforeAll(async () => {
    stack = await startReconcileStack();
    const app = createHttpApp({
      client: stack.temporal.client,
      taskQueue: stack.taskQueue,
      apiToken: HTTP_TEST_TOKEN,
      defaultRulesRef: stack.rulesFile,
      logger: pino({ level: 'silent' }),
    });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (server) await closeServer(server);
    await stack?.stop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('useHttpService: the stack starts in beforeAll');
      return stack;
    },
    get base() {
      if (!base) throw new Error('useHttpService: the service starts in beforeAll');
      return base;
    },
    async api<B>(method: string, path: string, body?: unknown): Promise<ServiceAnswer<B>> {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${HTTP_TEST_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as B, location: res.headers.get('location') };
    },
  };
}
