/** Helpers for the HTTP unit tests: serve an app on an ephemeral loopback port, and a client that must not be used. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import { closeServer, listen } from '../../src/http/server';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function serveOnEphemeralPort(app: Express): Promise<TestServer> {
  const server: Server = await listen(app, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/**
 * Stands in for the Temporal client in auth and validation tests: those requests must be refused before Temporal is
 * involved, so any use of the client throws (and would surface as a 500, failing the test).
 */
export function clientThatMustNotBeUsed(): Client {
  return new Proxy({} as Client, {
    get(_target, property) {
      throw new Error(`the Temporal client was used (${String(property)})`);
    },
  });
}

/** A pino logger writing JSON lines into memory. */
export function memoryLogger(): { logger: Logger; lines: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => out };
}

/** Error body of the service. */
export interface ErrorBody {
  error: string;
  issues?: { path: string; message: string }[];
}

export async function errorBody(res: Response): Promise<ErrorBody> {
  return (await res.json()) as ErrorBody;
}
