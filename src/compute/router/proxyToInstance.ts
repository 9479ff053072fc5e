import http from 'node:http';
import type { Instance } from '../supervisor/instance.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only and must not be forwarded. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

export type ProxyOutcome =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  /** The program's socket failed (it crashed or exited); `reason` says why when the sandbox is already gone. */
  | { kind: 'failed'; message: string };

/**
 * Forwards one request to the instance's unix socket, streaming the body both ways. Resolves when the response
 * has been sent (or could not be), and never throws: the caller turns a failure into a 502 or 504.
 */
export function proxyToInstance(req: http.IncomingMessage, res: http.ServerResponse, inst: Instance, path: string, extraHeaders: Record<string, string>): Promise<ProxyOutcome> {
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = 'localhost';
    headers['x-forwarded-host'] = req.headers.host ?? '';
    let settled = false;
    const done = (o: ProxyOutcome) => { if (!settled) { settled = true; clearTimeout(timer); resolve(o); } };

    const up = http.request({ socketPath: inst.socketPath, agent: inst.agent, method: req.method, path, headers }, (ur) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(ur.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
      res.writeHead(ur.statusCode ?? 502, { ...out, ...extraHeaders });
      ur.pipe(res);
      ur.on('end', () => done({ kind: 'ok' }));
      ur.on('error', () => { res.destroy(); done({ kind: 'ok' }); });
    });
    // resources.seconds bounds the whole exchange, first byte to last.
    const timer = setTimeout(() => {
      if (settled) return;
      up.destroy();
      if (res.headersSent) { res.destroy(); done({ kind: 'ok' }); } else done({ kind: 'timeout' });
    }, inst.view.seconds * 1000);
    up.on('error', (e) => {
      if (res.headersSent) { res.destroy(); done({ kind: 'ok' }); } else done({ kind: 'failed', message: e.message });
    });
    req.on('aborted', () => up.destroy());
    req.pipe(up);
  });
}
