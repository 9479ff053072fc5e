import WebSocket from 'ws';
import type { z } from 'zod';
import { AlephError, isAlephError } from '../../errors.js';
import { alephMessageSchema } from '../api/messageSchemas.js';
import { programEventFrameSchema } from '../api/nodeSchemas.js';
import { parseAnswer } from '../api/parseAnswer.js';
import { OFF_CONTRACT_HEADER } from './contractedFetch.js';

/**
 * The websocket half of contractedFetch.ts: every frame a test's `ws` client receives from a node's stream on this
 * machine is parsed with the stream's schema, and a frame outside it fails the test (an uncaught RESPONSE_INVALID).
 * A server a test breaks on purpose marks its upgrade answer with `OFF_CONTRACT_HEADER`.
 */
const STREAMS: ReadonlyArray<readonly [RegExp, z.ZodType]> = [
  [/^\/api\/ws0\/messages\/?$/, alephMessageSchema],
  [/^\/api\/ws0\/programs\/?$/, programEventFrameSchema],
];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const offContract = new WeakSet<WebSocket>();

/** The stream schema of a client socket's URL, or null (a server-side socket, another host, another path). */
function streamSchemaOf(ws: WebSocket): z.ZodType | null {
  if (!ws.url || offContract.has(ws)) return null;
  const url = new URL(ws.url);
  if (!LOCAL_HOSTS.has(url.hostname)) return null;
  return STREAMS.find(([re]) => re.test(url.pathname))?.[1] ?? null;
}

/** The contract error of one frame, or null when it parses or is not the contract's. */
export function frameErrorOf(ws: WebSocket, data: WebSocket.RawData): AlephError | null {
  const schema = streamSchemaOf(ws);
  if (!schema) return null;
  const where = `frame of ${new URL(ws.url).pathname}`;
  try {
    parseAnswer(schema, JSON.parse(data.toString()), where);
    return null;
  } catch (e) {
    return isAlephError(e)
      ? e
      : new AlephError('RESPONSE_INVALID', `a ${where} is not JSON: ${(e as Error).message}`, {
          hint: 'every frame of the node’s streams is one JSON object',
          details: { url: where, field: '(frame)', problem: 'not JSON' },
        });
  }
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
      if (broken)
        process.nextTick(() => {
          throw broken;
        });
    }
    return emit.call(this, event, ...args);
  };
}
