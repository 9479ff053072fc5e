import WebSocket from 'ws';
import { frameSchemaFor } from '../api/routeAnswers.js';
import { contractErrorIn, failTheTest, isLocal, OFF_CONTRACT_HEADER } from './contractCheck.js';

/**
 * The websocket half of contractedFetch.ts: every frame a test's `ws` client receives from a node's stream on this
 * machine is parsed with the stream's schema (routeAnswers.ts `frameSchemaFor`), and a frame outside it fails the
 * test. A server a test breaks on purpose marks its upgrade answer with `OFF_CONTRACT_HEADER`.
 */
const offContract = new WeakSet<WebSocket>();

/** The contract error of one frame, or null when it parses or is not the contract's (a server-side socket, …). */
export function frameErrorOf(ws: WebSocket, data: WebSocket.RawData) {
  if (!ws.url || offContract.has(ws)) return null;
  const url = new URL(ws.url);
  const schema = isLocal(url) ? frameSchemaFor(url.pathname) : null;
  if (!schema) return null;
  return contractErrorIn(schema, data.toString(), `frame of ${url.pathname}`, '(frame)');
}

const HOOKED = Symbol.for('aleph-ts.test.contractedFrames');
const proto = WebSocket.prototype as WebSocket & { [HOOKED]?: true };
if (!proto[HOOKED]) {
  proto[HOOKED] = true;
  const emit = proto.emit;
  proto.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'upgrade') {
      const res = args[0] as { headers?: Record<string, unknown> };
      if (res?.headers?.[OFF_CONTRACT_HEADER]) offContract.add(this);
    } else if (event === 'message') {
      const broken = frameErrorOf(this, args[0] as WebSocket.RawData);
      if (broken) failTheTest(broken);
    }
    return emit.call(this, event, ...args);
  };
}
