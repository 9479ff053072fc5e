import WebSocket from 'ws';
import type { MessageType } from '../../protocol/index.js';
import { buildUrl } from '../transport/request.js';
import { alephMessageSchema } from '../../protocol/api/messageSchemas.js';
import { parseAnswer } from '../../protocol/api/parseAnswer.js';
import type { ApiMessage, ClientConfig } from '../transport/clientConfig.js';

/**
 * Parameters of {@link watchMessages}.
 * @example
 * watchMessages(config, { msgType: 'STORE', addresses: [me], onMessage: console.log });
 */
export interface WatchMessagesParameters {
  msgType?: MessageType;
  addresses?: string[];
  /** Also replay this many past messages first. */
  history?: number;
  onMessage: (message: ApiMessage) => void;
  onError?: (error: Error) => void;
  onOpen?: () => void;
}

/**
 * A running subscription.
 * @example
 * const watch: WatchMessagesReturnType = watchMessages(config, { onMessage: console.log });
 * watch.close();
 */
export interface WatchMessagesReturnType {
  close(): void;
  /** Resolves once the socket is open. */
  ready: Promise<void>;
}

/**
 * Follows new messages over the node's websocket (`/api/ws0/messages`), as aleph's clients do.
 * @example
 * const watch = watchMessages(config, { msgType: 'PROGRAM', onMessage: (m) => console.log(m.item_hash) });
 * await watch.ready;
 * // … later
 * watch.close();
 */
export function watchMessages(config: ClientConfig, params: WatchMessagesParameters): WatchMessagesReturnType {
  const url = buildUrl(config.apiUrl.replace(/^http/, 'ws'), '/api/ws0/messages', {
    msgType: params.msgType,
    addresses: params.addresses,
    history: params.history,
  });
  const socket = new WebSocket(url);
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      params.onOpen?.();
      resolve();
    });
    socket.once('error', reject);
  });
  ready.catch(() => undefined); // errors also reach onError; an unawaited `ready` must not crash the process
  socket.on('message', (data) => {
    try {
      params.onMessage(parseAnswer(alephMessageSchema, JSON.parse(data.toString()), url));
    } catch (e) {
      params.onError?.(e as Error);
    }
  });
  socket.on('error', (e) => params.onError?.(e));
  return { close: () => socket.close(1000, 'done'), ready };
}
