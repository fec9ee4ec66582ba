// TCP ports free on 127.0.0.1 now, for processes that must be told their
// ports before they start (HAProxy's binds and servers, a replica restarted on
// the same ports). Each is listened on, all at once so that none is handed out
// twice, then closed: another process may still take one before it is used.
import { createServer, type Server } from 'node:net';

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
