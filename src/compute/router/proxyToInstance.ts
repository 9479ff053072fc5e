import http from 'node:http';
import type { Instance } from '../supervisor/instance.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only and must not be forwarded. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

export type ProxyOutcome =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  /** The program's socket failed (it crashed or exited); `reason` says why when the sandbox is already gone. */
  | { kind: 'failed'; message: string };

const OK: ProxyOutcome = { kind: 'ok' };
const TIMEOUT: ProxyOutcome = { kind: 'timeout' };

/**
 * Forwards one request to the instance's unix socket over its keep-alive agent, streaming the body both ways
 * (nothing is buffered). Resolves when the response has been sent (or could not be), and never throws: the
 * caller turns a failure into a 502 or 504. This is the warm hot path: one pass over each header set, no URL parsing.
 */
export function proxyToInstance(req: http.IncomingMessage, res: http.ServerResponse, inst: Instance, path: string, extraHeaders: Record<string, string>): Promise<ProxyOutcome> {
  return new Promise((resolve) => {
    const inH = req.headers;
    const headers: http.OutgoingHttpHeaders = {};
    for (const k in inH) if (!HOP.has(k)) { const v = inH[k]; if (v !== undefined) headers[k] = v; }
    headers.host = 'localhost';
    headers['x-forwarded-host'] = inH.host ?? '';
    let settled = false;
    const done = (o: ProxyOutcome) => { if (!settled) { settled = true; clearTimeout(timer); resolve(o); } };

    const up = http.request({ socketPath: inst.socketPath, agent: inst.agent, method: req.method, path, headers }, (ur) => {
      const upH = ur.headers;
      const out: http.OutgoingHttpHeaders = {};
      for (const k in upH) if (!HOP.has(k)) { const v = upH[k]; if (v !== undefined) out[k] = v; }
      for (const k in extraHeaders) out[k] = extraHeaders[k];
      res.writeHead(ur.statusCode ?? 502, out);
      ur.pipe(res);
      ur.on('end', () => done(OK));
      ur.on('error', () => { res.destroy(); done(OK); });
    });
    // resources.seconds bounds the whole exchange, first byte to last.
    const timer = setTimeout(() => {
      if (settled) return;
      up.destroy();
      if (res.headersSent) { res.destroy(); done(OK); } else done(TIMEOUT);
    }, inst.view.seconds * 1000);
    up.on('error', (e) => {
      if (res.headersSent) { res.destroy(); done(OK); } else done({ kind: 'failed', message: e.message });
    });
    // The client went away before its response was complete: stop the upstream exchange too.
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
    // Most requests (GET, HEAD) have no body: end the upstream request at once instead of piping an empty stream.
    if (inH['content-length'] === undefined && inH['transfer-encoding'] === undefined) { req.resume(); up.end(); }
    else req.pipe(up);
  });
}
