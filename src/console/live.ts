import { useExternal } from './useExternal.js';

/** What the node's websocket streams announce, parsed loosely: the console only needs to know what changed. */
export interface LiveMessage {
  item_hash: string;
  type: string;
  sender: string;
  time: number;
  ref: string | null;
}
export interface LiveProgram {
  kind: string;
  program_id: string;
  edition: number | null;
}

type Listener<T> = (x: T) => void;
const messageListeners = new Set<Listener<LiveMessage>>();
const programListeners = new Set<Listener<LiveProgram>>();
const statusListeners = new Set<Listener<boolean>>();
let connected = false;
/** Arrival times (ms) of the stream's messages over the last minute: the message rate. */
const arrivals: number[] = [];

function setConnected(v: boolean) {
  connected = v;
  for (const l of statusListeners) l(v);
}

function wsUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** One socket per stream for the whole console, reconnecting with a growing delay (at most 10 s). */
function follow(path: string, onFrame: (data: unknown) => void, reportStatus: boolean): void {
  let delay = 500;
  const open = () => {
    const ws = new WebSocket(wsUrl(path));
    ws.onopen = () => {
      delay = 500;
      if (reportStatus) setConnected(true);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string' || ev.data.length > 4_000_000) return;
      try {
        onFrame(JSON.parse(ev.data));
      } catch {
        // A frame that is not JSON tells the console nothing; the next one may.
      }
    };
    ws.onclose = () => {
      if (reportStatus) setConnected(false);
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
}

let started = false;
/** Starts following /api/ws0/messages and /api/ws0/programs (once). */
export function startLive(): void {
  if (started) return;
  started = true;
  follow(
    '/api/ws0/messages',
    (d) => {
      const m = d as Record<string, unknown>;
      const hash = str(m?.item_hash);
      if (!hash) return;
      const content = (m.content ?? {}) as Record<string, unknown>;
      const msg: LiveMessage = {
        item_hash: hash,
        type: str(m.type) ?? '?',
        sender: str(m.sender) ?? '',
        time: typeof m.time === 'number' ? m.time : 0,
        ref: str(content?.ref) ?? str(content?.replaces),
      };
      const now = Date.now();
      arrivals.push(now);
      while (arrivals.length && (arrivals[0] ?? now) < now - 60_000) arrivals.shift();
      for (const l of messageListeners) l(msg);
    },
    true,
  );
  follow(
    '/api/ws0/programs',
    (d) => {
      const p = d as Record<string, unknown>;
      const id = str(p?.program_id);
      if (!id) return;
      const e: LiveProgram = {
        kind: str(p.kind) ?? '',
        program_id: id,
        edition: typeof p.edition === 'number' ? p.edition : null,
      };
      for (const l of programListeners) l(e);
    },
    false,
  );
}

/** Messages per second over each of the last `seconds` seconds (oldest first). */
export function rateSeries(seconds: number, now = Date.now()): number[] {
  const out = new Array<number>(seconds).fill(0);
  for (const t of arrivals) {
    const age = Math.floor((now - t) / 1000);
    if (age >= 0 && age < seconds) out[seconds - 1 - age]! += 1;
  }
  return out;
}

export function onLiveMessage(l: Listener<LiveMessage>): () => void {
  messageListeners.add(l);
  return () => messageListeners.delete(l);
}
export function onLiveProgram(l: Listener<LiveProgram>): () => void {
  programListeners.add(l);
  return () => programListeners.delete(l);
}

const onStatus = (changed: () => void) => {
  statusListeners.add(changed);
  return () => void statusListeners.delete(changed);
};

/** Whether the message stream is connected (shown in the header). */
export function useLiveStatus(): boolean {
  return useExternal(() => connected, onStatus);
}
