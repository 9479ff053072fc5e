import type { WebSocket } from 'ws';

/** Bounds on the websocket streams; every one is a node setting (NodeOptions.ws). */
export interface WsLimits {
  /** A subscriber whose unsent data passes this many bytes is closed as too slow (1008), never buffered further. */
  maxBufferedBytes: number;
  /** Subscribers on all streams together. */
  maxSubscribers: number;
  /** Subscribers from one client IP. */
  maxSubscribersPerIp: number;
  /** How many stored messages a `history` request may look through to find its matches. */
  historyScanRows: number;
  /** A history still unsent after this long closes the subscriber as too slow. */
  historyTimeoutMs: number;
  /** History queries of all subscribers waiting on the store at once (ordinary reads queue behind them). */
  historyQueries: number;
  /** Processed messages waiting to be fanned out; past it every message subscriber is closed (1013) to reconnect. */
  maxFanOutBacklog: number;
}

export const defaultWsLimits: WsLimits = {
  maxBufferedBytes: 1024 * 1024,
  maxSubscribers: 1000,
  maxSubscribersPerIp: 100,
  historyScanRows: 5000,
  historyTimeoutMs: 10_000,
  historyQueries: 2,
  maxFanOutBacklog: 5000,
};

/** Close codes (RFC 6455 §7.4.1): 1008 policy violation (bad query, too slow), 1013 try again later (full). */
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_LATER = 1013;

/** A close reason fits in 123 bytes (RFC 6455 §5.5: control frame payload ≤ 125, 2 for the code). */
function reasonText(code: string, text: string): string {
  const s = `${code}: ${text}`;
  return Buffer.byteLength(s) <= 123
    ? s
    : Buffer.from(s)
        .subarray(0, 123)
        .toString()
        .replace(/\uFFFD$/, '');
}

/**
 * Closes with a reason the client can read, then drops the socket shortly after: a client that never reads would
 * never answer the close handshake, and its unsent data must be released now, not after ws's 30 s close timer.
 */
export function closeWith(ws: WebSocket, closeCode: number, code: string, text: string): void {
  if (ws.readyState === ws.CLOSING || ws.readyState === ws.CLOSED) return;
  try {
    ws.close(closeCode, reasonText(code, text));
  } catch {
    ws.terminate();
    return;
  }
  setTimeout(() => ws.terminate(), 1000).unref();
}

/** Everyone subscribed to one stream, counted per client IP against the limits shared by all streams. */
export class SubscriberRegistry<T> {
  readonly sockets = new Map<WebSocket, T>();

  constructor(
    private readonly limits: WsLimits,
    private readonly counts: SubscriberCounts,
  ) {}

  /** Registers the socket, or closes it with 1013 and returns false when the node or its IP is full. */
  add(ws: WebSocket, ip: string, state: T): boolean {
    const refusal = this.counts.refusal(ip, this.limits);
    if (refusal) {
      closeWith(ws, CLOSE_TRY_LATER, 'WS_TOO_MANY_SUBSCRIBERS', refusal);
      return false;
    }
    this.counts.add(ip);
    this.sockets.set(ws, state);
    ws.once('close', () => {
      if (this.sockets.delete(ws)) this.counts.remove(ip);
    });
    return true;
  }

  /**
   * Sends one frame, or closes a subscriber that is not keeping up. Never throws: one broken socket must not stop
   * the fan-out to the others, nor reach the event loop.
   */
  send(ws: WebSocket, frame: string | Buffer, bytes = Buffer.byteLength(frame)): boolean {
    try {
      if (ws.readyState !== ws.OPEN) return false;
      if (ws.bufferedAmount + bytes > this.limits.maxBufferedBytes) {
        closeWith(
          ws,
          CLOSE_POLICY,
          'WS_SLOW_SUBSCRIBER',
          `more than ${this.limits.maxBufferedBytes} bytes unread; reconnect and read faster`,
        );
        return false;
      }
      // A text frame either way; a Buffer is written to every socket as is (a string is encoded again for each).
      ws.send(frame, { binary: false });
      return true;
    } catch {
      ws.terminate();
      return false;
    }
  }
}

/** Live subscriber counts in total and per IP, shared by the message and program streams. */
export class SubscriberCounts {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  refusal(ip: string, limits: WsLimits): string | null {
    if (this.total >= limits.maxSubscribers)
      return `the node has ${limits.maxSubscribers} subscribers; try again later`;
    if ((this.perIp.get(ip) ?? 0) >= limits.maxSubscribersPerIp)
      return `your address has ${limits.maxSubscribersPerIp} subscribers open; close some`;
    return null;
  }

  add(ip: string): void {
    this.total++;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
  }

  remove(ip: string): void {
    this.total--;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }
}
