import type http from 'node:http';
import net from 'node:net';
import { AlephError, isAlephError } from '../../errors.js';
import { computeStatusOf } from '../errorStatus.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { HOP as PROXY_HOP } from './proxyToInstance.js';
import { acquireServing, viewHeaders } from './vmRoute.js';

/** Dropped from the forwarded head as in proxyToInstance but `expect`; Connection and Upgrade are put back, since they are the point. */
const HOP = new Set([...PROXY_HOP].filter((h) => h !== 'expect'));
// Header values node:http accepted cannot hold CR or LF, so the rebuilt head cannot be split.
const CRLF = '\r\n';

/** Answers on a raw socket (no ServerResponse after an upgrade request) and closes it. */
export function socketError(socket: net.Socket, e: unknown, headers: Record<string, string> = {}): void {
  const err = isAlephError(e) ? e : new AlephError('COMPUTE_INTERNAL', (e as Error).message, { cause: e });
  const body = JSON.stringify(err.toJSON());
  let head = `HTTP/1.1 ${computeStatusOf(err)} Error${CRLF}content-type: application/json${CRLF}connection: close${CRLF}content-length: ${Buffer.byteLength(body)}${CRLF}`;
  for (const k in headers) head += `${k}: ${headers[k]}${CRLF}`;
  socket.on('error', () => {});
  socket.end(head + CRLF + body);
}

/**
 * An `Upgrade` request (websockets) to `/vm/{ref}{rest}`: the head is forwarded as it came (Host replaced) on a
 * connection of its own to the program, and from then on bytes are relayed both ways untouched, the program's
 * answer (`101` or not) included, until either side closes. The exchange counts as in flight the whole time, so
 * an idle stop or a swap waits for it (bounded by the drain); nothing else on this connection reaches the node.
 */
export async function upgradeRoute(
  sup: Supervisor,
  req: http.IncomingMessage,
  socket: net.Socket,
  head: Buffer,
  ref: string,
  rest: string,
): Promise<void> {
  socket.on('error', () => {});
  const { view, inst: acquired, failure } = await acquireServing(sup, ref, req.headers);
  if (!acquired) return socketError(socket, failure, viewHeaders(view));
  if (socket.destroyed) {
    sup.release(acquired);
    return;
  }
  let lines = `${req.method} ${rest} HTTP/1.1${CRLF}host: localhost${CRLF}x-forwarded-host: ${req.headers.host ?? ''}${CRLF}`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2)
    if (!HOP.has(raw[i].toLowerCase())) lines += `${raw[i]}: ${raw[i + 1]}${CRLF}`;
  lines += `connection: upgrade${CRLF}upgrade: ${req.headers.upgrade ?? ''}${CRLF}${CRLF}`;
  const up = net.connect({ path: acquired.socketPath });
  let released = false;
  const release = () => {
    if (!released) {
      released = true;
      sup.release(acquired);
    }
  };
  up.on('error', () => {
    // Nothing relayed yet: the client gets the same 502 as a plain request to a program that died.
    if (up.bytesRead === 0 && !socket.destroyed) {
      socketError(
        socket,
        new AlephError('PROGRAM_CRASHED', `program ${view.id} failed: its socket refused the upgrade`, {
          hint: 'see `aleph program logs`; it restarts on the next request',
          details: { reason: 'its socket refused the upgrade' },
        }),
        acquired.served,
      );
    } else socket.destroy();
    release();
  });
  up.on('close', () => {
    socket.destroy();
    release();
  });
  socket.on('close', () => {
    up.destroy();
    release();
  });
  up.write(lines);
  if (head.length > 0) up.write(head);
  socket.pipe(up);
  up.pipe(socket);
}
