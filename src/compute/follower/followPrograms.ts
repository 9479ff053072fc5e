import WebSocket from 'ws';
import { programEventFrameSchema } from '../../protocol/api/index.js';
import type { ProgramEvent } from '../supervisor/supervisor.js';

export interface Follower {
  close(): void /** Resolves once the first connection is open. */;
  connected: Promise<void>;
}

/** A frame the contract does not describe is dropped: the reconnect refresh and the next event make up for it. */
function parseEvent(data: WebSocket.RawData): ProgramEvent | null {
  try {
    const r = programEventFrameSchema.safeParse(JSON.parse(data.toString()));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * Follows the core node's `/api/ws0/programs` and reconnects when it drops (node restart, network). After a
 * reconnect `onReconnect` runs, because events sent while we were away are lost: the caller refreshes what it holds.
 */
export function followPrograms(apiUrl: string, onEvent: (e: ProgramEvent) => void, onReconnect: () => void): Follower {
  const url = new URL('/api/ws0/programs', apiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let ws: WebSocket | null = null;
  let closed = false;
  let delay = 100;
  let first = true;
  let markConnected!: () => void;
  const connected = new Promise<void>((r) => (markConnected = r));

  const connect = () => {
    if (closed) return;
    ws = new WebSocket(url);
    ws.on('open', () => {
      delay = 100;
      if (!first) onReconnect();
      first = false;
      markConnected();
    });
    ws.on('message', (d) => {
      const e = parseEvent(d);
      if (e) onEvent(e);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (closed) return;
      setTimeout(connect, delay).unref();
      delay = Math.min(delay * 2, 5000);
    });
  };
  connect();
  return {
    connected,
    close: () => {
      closed = true;
      ws?.close();
    },
  };
}
