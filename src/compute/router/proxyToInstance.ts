import type http from 'node:http';
import type { Dispatcher } from 'undici';
import type { Instance } from '../supervisor/instance.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only and must not be forwarded. `expect` too: the
 * compute node has already answered `100 Continue` itself (node:http does when nothing listens for checkContinue).
 */
export const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'expect',
]);

export type ProxyOutcome =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  /** The program's socket failed (it crashed or exited); `reason` says why when the sandbox is already gone. */
  | { kind: 'failed'; message: string }
  /** The request cannot be forwarded as it is (undici refused one of its headers): the program was not reached. */
  | { kind: 'refused'; message: string };

const OK: ProxyOutcome = { kind: 'ok' };
const TIMEOUT: ProxyOutcome = { kind: 'timeout' };

/** The request's headers for the program: raw names kept, hop-by-hop ones dropped, Host replaced. */
function upstreamHeaders(req: http.IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i];
    if (!HOP.has(k.toLowerCase())) out.push(k, raw[i + 1]);
  }
  out.push('host', 'localhost', 'x-forwarded-host', req.headers.host ?? '');
  return out;
}

/**
 * The program's response headers for the client as one object (node:http's cheapest writeHead form when nothing
 * else was set): names lowercased, hop-by-hop ones dropped (node:http frames the answer itself), repeats such as
 * set-cookie kept as arrays, and the compute node's own headers last so a program cannot forge them.
 */
function clientHeaders(raw: Buffer[], extra: Record<string, string>): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toString('latin1').toLowerCase();
    if (HOP.has(k)) continue;
    const v = raw[i + 1].toString('latin1');
    const had = out[k];
    if (had === undefined) out[k] = v;
    else if (Array.isArray(had)) had.push(v);
    else out[k] = [had as string, v];
  }
  for (const k in extra) out[k] = extra[k];
  return out;
}

/**
 * Forwards one request to the instance's unix socket over its undici Pool (kept-alive connections, llhttp on both
 * sides), streaming the body both ways with backpressure (nothing is buffered past one chunk). Calls `resolve`
 * once, when the response has been sent (or could not be), and never throws: the caller turns a failure into a
 * 502 or 504.
 * This is the warm hot path: one pass over each header set, no URL parsing, the legacy handler interface that
 * undici runs without a wrapper, and a small body held back so that head and body leave in one write.
 */
export function proxyToInstance(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  inst: Instance,
  path: string,
  extraHeaders: Record<string, string>,
  resolve: (o: ProxyOutcome) => void,
): void {
  let settled = false;
  let abort: ((e?: Error) => void) | null = null;
  let held: Buffer | null = null;
  let first = true;
  let resume: (() => void) | null = null;
  const done = (o: ProxyOutcome) => {
    if (!settled) {
      settled = true;
      clearTimeout(timer);
      resolve(o);
    }
  };
  const fail = (message: string) => {
    if (res.headersSent) {
      res.destroy();
      done(OK);
    } else done({ kind: 'failed', message });
  };
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const handler: Dispatcher.DispatchHandler = {
    onConnect(a) {
      abort = a;
    },
    onHeaders(status, raw, r) {
      resume = r;
      res.writeHead(status, clientHeaders(raw as unknown as Buffer[], extraHeaders));
      return true;
    },
    onData(chunk) {
      if (first) {
        first = false;
        held = chunk;
        return true;
      }
      if (held !== null) {
        res.write(held);
        held = null;
      }
      if (res.write(chunk)) return true;
      // The client reads slower than the program writes: pause the upstream until its socket drains.
      res.once('drain', resume!);
      return false;
    },
    onComplete() {
      if (held !== null) {
        res.end(held);
        held = null;
      } else res.end();
      done(OK);
    },
    onError(e) {
      const code = (e as { code?: string }).code;
      if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED')
        done({ kind: 'refused', message: e.message });
      else fail(e.message);
    },
  };
  // resources.seconds bounds the whole exchange, first byte to last.
  const timer = setTimeout(() => {
    if (settled) return;
    // Settled before the abort, whose error would otherwise read as a crash.
    if (res.headersSent) {
      res.destroy();
      done(OK);
    } else done(TIMEOUT);
    abort?.(new Error('timeout'));
  }, inst.view.seconds * 1000);
  // The client went away before its response was complete: stop the upstream exchange too.
  res.on('close', () => {
    if (!res.writableFinished) {
      abort?.(new Error('client closed'));
      done(OK);
    }
  });
  try {
    inst.upstream.dispatch(
      {
        method: req.method ?? 'GET',
        path,
        headers: upstreamHeaders(req),
        // Most requests (GET, HEAD) have no body: none is streamed, and the request leaves in one write.
        body: hasBody ? req : null,
      },
      handler,
    );
  } catch (e) {
    done({ kind: 'refused', message: (e as Error).message });
  }
  if (!hasBody) req.resume();
}
