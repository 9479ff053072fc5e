import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isAlephError } from '../../errors.js';
import type { NodeApi } from '../api/nodeApi.js';
import type { ProgramLogs } from '../supervisor/programLogs.js';
import { authorizedProgram, domainOf } from './logsRoute.js';
import { authenticateOperator } from './operatorAuth.js';

const STREAM = /^\/control\/machine\/([0-9a-fA-F]{64})\/stream_logs\/?$/;
/** The auth frame must come soon and be small; a reader this far behind is dropped rather than buffered for. */
const AUTH_TIMEOUT_MS = 10_000;
const MAX_BUFFERED = 1024 * 1024;

/**
 * aleph-vm's `stream_logs` websocket (views/operator.py), which aleph-sdk-python's `VmClient.get_logs` reads:
 * browsers cannot set headers on a websocket, so the first frame is `{"auth": {"X-SignedPubKey": {…},
 * "X-SignedOperation": {…}}}` (domain checked, not the path); then `{"status": "connected"}` and one
 * `{"type": "stdout"|"stderr"|"system", "message": …}` per line — the lines kept so far, then new ones.
 */
export function streamLogsUpgrade(
  api: NodeApi,
  logs: ProgramLogs,
  domain?: string,
  /** In a fleet: forwards the stream to where the program runs (true), or lets it be served here (false). */
  forward?: (req: http.IncomingMessage, socket: Duplex, head: Buffer, programId: string, local: () => void) => boolean,
): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => boolean {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  // Returns false for any other path, so the server's own upgrade handler (if any) takes it.
  return (req, socket, head) => {
    const m = STREAM.exec(new URL(req.url ?? '/', 'http://compute').pathname);
    if (!m) return false;
    const ref = m[1].toLowerCase();
    const local = () => wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, ref));
    if (!forward?.(req, socket, head, ref, local)) local();
    return true;
  };

  function serve(ws: WebSocket, req: http.IncomingMessage, ref: string): void {
    const fail = (reason: string) => {
      ws.send(JSON.stringify({ status: 'failed', reason }));
      ws.close();
    };
    const timer = setTimeout(() => fail('no auth message'), AUTH_TIMEOUT_MS);
    ws.once('message', (data) => {
      clearTimeout(timer);
      void (async () => {
        let auth: { 'X-SignedPubKey'?: unknown; 'X-SignedOperation'?: unknown } | undefined;
        try {
          auth = (JSON.parse(data.toString()) as { auth?: typeof auth }).auth;
        } catch {
          return fail('the first message is not JSON');
        }
        if (!auth || typeof auth !== 'object') return fail("missing 'auth' key in message");
        let id: string;
        try {
          const signer = authenticateOperator(auth['X-SignedPubKey'], auth['X-SignedOperation'], {
            method: 'GET',
            path: '',
            domain: domainOf(req, domain),
            ws: true,
          });
          id = await authorizedProgram(api, ref, signer);
        } catch (e) {
          return fail(isAlephError(e) ? `${e.code}: ${e.message}` : 'authentication failed');
        }
        ws.send(JSON.stringify({ status: 'connected' }));
        const send = (stream: string, message: string) => {
          if (ws.bufferedAmount > MAX_BUFFERED) return void ws.close(1008, 'slow reader');
          ws.send(JSON.stringify({ type: stream, message }));
        };
        for (const l of logs.lines(id)) send(l.stream, l.message);
        const stop = logs.follow(id, (l) => send(l.stream, l.message));
        ws.on('close', stop);
        if (ws.readyState !== ws.OPEN) stop(); // closed while it was being authorized
      })();
    });
  }
}
