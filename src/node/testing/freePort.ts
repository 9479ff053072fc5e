import { createServer } from 'node:net';

/**
 * A 127.0.0.1 port nothing listens on right now (bound, then released): for a process that must be told its port
 * before it starts (PostgreSQL, nginx), or for a port that must refuse connections. Another process may take it
 * in between, as with any such port; the tests and benches that use it start their server at once.
 */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
