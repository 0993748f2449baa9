import type { Server } from 'node:http';
import type { Express } from 'express';

/**
 * Starts listening and resolves once the port is bound (port 0 picks a free one; read it from `address()`).
 *
 * @param host address to bind; loopback (`127.0.0.1`) unless given, so nothing is exposed by accident.
 */
export function listen(app: Express, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host ?? '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}

/** Stops accepting connections and closes idle keep-alive ones, resolving when the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
