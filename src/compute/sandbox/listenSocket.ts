import net from 'node:net';
import { renameSync, rmSync } from 'node:fs';
import { AlephError } from '../../errors.js';

/** A bound, listening unix socket whose fd goes to the sandbox; the node itself never accepts on it. */
export interface ListeningSocket {
  fd: number;
  /** Closes the node's copy once the child holds its own (call right after spawning). */
  close(): void;
}

/**
 * Binds and listens on `path` and returns the fd, for a child to accept on.
 *
 * Node has no public API that yields a listening socket's fd without serving it, so this listens with a
 * `net.Server` and closes it right after the spawn. libuv unlinks a pipe server's path on close; binding under a
 * temporary name and renaming it into place first leaves it unlinking a name that is already gone.
 */
export function listenSocket(path: string): ListeningSocket {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  rmSync(path, { force: true });
  const server = net.createServer((c) => c.destroy()); // never reached before close: nobody knows the temp name
  server.on('error', () => {});
  server.listen({ path: temp, backlog: 511 });
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    server.close();
    rmSync(temp, { force: true });
    throw new AlephError('SANDBOX_START_FAILED', `cannot listen on ${path}`, {
      hint: 'check that the instance work directory is writable',
      details: { path },
    });
  }
  renameSync(temp, path);
  return { fd, close: () => server.close() };
}
