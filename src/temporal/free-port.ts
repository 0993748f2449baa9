import net from 'node:net';

/**
 * Asks the OS for a currently free TCP port on `host` by binding port 0 and releasing it.
 *
 * There is an unavoidable window between release and reuse in which another process could take the port; callers
 * that spawn servers on it should treat an early "address in use" exit as retryable.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not get a free port on ${host}`))));
    });
  });
}
