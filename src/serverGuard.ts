import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds on the HTTP connections of a server (the core node's and the compute node's), so slow or numerous
 * clients cannot hold its file descriptors: each is a setting of the node that uses it.
 */
export interface ServerLimits {
  /** Time to receive a request's headers (slowloris). Checked every `checkIntervalMs`. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a body dribbled a byte at a time). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above (node:http `connectionsCheckingInterval`). */
  checkIntervalMs: number;
  /** Open connections in total, websockets included. */
  maxConnections: number;
  /** Open connections from one client IP. */
  maxConnectionsPerIp: number;
}

export const defaultServerLimits: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxConnections: 4096,
  maxConnectionsPerIp: 256,
};

/** How long a refused or failed connection keeps dropping what its client still sends, after its answer. */
const REFUSED_LINGER_MS = 1_000;

function writeAnswer(socket: Socket, status: string, code: string, message: string): void {
  const body = JSON.stringify({ error_code: code, details: { message } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
}

/** One error answer on a raw socket, then a close without a reset (lingerClose). */
function answerAndClose(socket: Socket, status: string, code: string, message: string): void {
  writeAnswer(socket, status, code, message);
  lingerClose(socket, REFUSED_LINGER_MS);
}

function refuse(socket: Socket, status: string, code: string, message: string): void {
  socket.on('error', () => {});
  // Answered before the loop reads from it: no request on a refused connection is ever parsed. A client that
  // never reads cannot hold it open past the linger either.
  answerAndClose(socket, status, code, message);
}

/**
 * FIN after what was written, then read and drop what the client still sends for at most `ms`, then close.
 * Closing with the client's bytes unread makes the kernel send RST, and a client still sending loses the answer
 * already on its way (nginx's lingering close exists for this).
 */
function lingerClose(socket: Socket, ms: number): void {
  if (socket.destroyed) return;
  const done = () => socket.destroy();
  const timer = setTimeout(done, ms);
  timer.unref();
  socket.once('end', done);
  socket.once('close', () => clearTimeout(timer));
  // What comes is dropped: a refused socket has no reader, and an HTTP parser in its error state consumes
  // nothing more (each chunk only repeats the error, which clientErrorAnswerer answers once).
  if (socket.listenerCount('data') === 0) socket.on('data', () => undefined);
  socket.end();
  socket.resume();
}

/** How long a connection answered before its body arrived keeps reading (and dropping) what the client sends. */
export const LINGER_MS = 2_000;

/**
 * Closes the connection of a request answered before its body was read (a 413 on a streamed body) without a reset.
 * Closing a socket with bytes unread makes the kernel send RST, and a client still sending can lose the answer
 * already on its way: it reads ECONNRESET instead of the 413. As nginx's lingering close: FIN after the answer,
 * then read and drop what still comes for at most `ms`. Call it before the answer is sent, which it marks
 * `connection: close` through `setHeader`.
 *
 * @example
 * if (!req.raw.complete) closeWithoutReset(req.raw.socket, reply.raw);
 */
export function closeWithoutReset(
  socket: Socket,
  res: { setHeader(name: string, value: string): unknown },
  ms = LINGER_MS,
): void {
  res.setHeader('connection', 'close');
  // node:http ends a `connection: close` exchange with socket.destroySoon(): a close with the rest unread.
  socket.destroySoon = function (this: Socket) {
    lingerClose(this, ms);
  };
}

/** Client errors (timeouts, malformed requests) answered per turn of the event loop. */
const CLIENT_ERROR_SLICE = 64;

const CLIENT_ERRORS: Record<string, [status: string, code: string, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['408 Request Timeout', 'REQUEST_TIMEOUT', 'the request did not arrive in time'],
  HPE_HEADER_OVERFLOW: [
    '431 Request Header Fields Too Large',
    'REQUEST_HEADERS_TOO_LARGE',
    'the headers are too large',
  ],
};

/**
 * Answers client errors a slice at a time. Slow clients opened together time out together: node:http expires them
 * all in one pass of its connection check, and answering 4,000 there (a write, a close and, through
 * `socket.destroy(err)`, a stack trace each — source-mapped under tsx) held the event loop ~200 ms. The
 * sockets are closed without the error, so no stack is built; the answer is the same one line Fastify gave.
 */
function clientErrorAnswerer(): (err: NodeJS.ErrnoException, socket: Socket) => void {
  const waiting: { socket: Socket; answer: [string, string, string]; linger: boolean }[] = [];
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    for (const { socket, answer, linger } of waiting.splice(0, CLIENT_ERROR_SLICE)) {
      if (socket.destroyed) continue;
      if (linger) answerAndClose(socket, ...answer);
      else {
        writeAnswer(socket, ...answer);
        socket.destroy();
      }
    }
    if (waiting.length && !scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  };
  // A parser in its error state raises the error again for every chunk read while the socket lingers.
  const answered = new WeakSet<Socket>();
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    // Read no more from it while it waits for its answer.
    socket.pause();
    waiting.push({
      socket,
      // A timeout leaves the parser mid-request, able to read on: it gets its line and the socket goes. A parse
      // error leaves it in its error state, which reads nothing more: that socket may linger.
      linger: err.code !== 'ERR_HTTP_REQUEST_TIMEOUT',
      answer: CLIENT_ERRORS[err.code ?? ''] ?? [
        '400 Bad Request',
        'REQUEST_MALFORMED',
        'the request could not be parsed',
      ],
    });
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  };
}

/**
 * Applies `limits` to a node:http server: timeouts, and a count of connections per client IP and in total.
 * A connection over a cap gets one `429`/`503` answer naming the cap and is closed before any request is read.
 * `checkIntervalMs` only takes effect when given to http.createServer (`{ connectionsCheckingInterval }`).
 */
export function guardServer(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Ours instead of Fastify's (or node:http's built-in answer when there is no listener): see clientErrorAnswerer.
  server.removeAllListeners('clientError');
  server.on('clientError', clientErrorAnswerer());
  // A backstop past our own count: Node drops what is beyond it without a word, we answer up to it.
  server.maxConnections = limits.maxConnections + 64;
  let total = 0;
  const perIp = new Map<string, number>();
  // In place of node:http's own listener, which a refused socket never reaches: its parser never reads from it, so
  // the refusal can drop what the client still sends while it closes (lingerClose) without parsing any of it.
  const admitted = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? '?';
    const n = perIp.get(ip) ?? 0;
    if (total >= limits.maxConnections)
      return refuse(
        socket,
        '503 Service Unavailable',
        'TOO_MANY_CONNECTIONS',
        `the server has ${limits.maxConnections} connections open; try again later`,
      );
    if (n >= limits.maxConnectionsPerIp)
      return refuse(
        socket,
        '429 Too Many Requests',
        'TOO_MANY_CONNECTIONS_FROM_CLIENT',
        `your address has ${limits.maxConnectionsPerIp} connections open; close some`,
      );
    total++;
    perIp.set(ip, n + 1);
    socket.once('close', () => {
      total--;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    });
    for (const l of admitted) l.call(server, socket);
  });
}
