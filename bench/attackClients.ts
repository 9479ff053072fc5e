// Hostile clients for bench/attacks.ts: websocket subscribers that never read, slowloris connections, loops.
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

export interface Subscriber {
  ws: WebSocket;
  opened: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A websocket subscriber that stops reading as soon as it is open (its socket is paused). */
export function idleSubscriber(url: string, localAddress: string): Subscriber {
  const ws = new WebSocket(url, { localAddress });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  const opened = new Promise<boolean>((r) => {
    ws.once('open', () => {
      ws.pause();
      r(true);
    });
    ws.once('close', () => r(false));
  });
  return { ws, opened, closed };
}

/** A subscriber that reads everything; resolves with how many frames it got before `until` or the server closed it. */
export function readingSubscriber(
  url: string,
  localAddress: string,
  until: (frames: number) => boolean,
): Promise<{ frames: number; code: number; reason: string }> {
  const ws = new WebSocket(url, { localAddress });
  let frames = 0;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
    }, 60_000);
    ws.on('message', () => {
      if (until(++frames)) ws.close();
    });
    ws.on('error', () => {});
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ frames, code, reason: reason.toString() });
    });
  });
}

export interface SlowConnection {
  socket: net.Socket;
  ended: Promise<{ answer: string; ms: number; connected: boolean }>;
}

/** Slowloris: headers that never end, one more header line every `everyMs`. */
export function slowConnection(url: string, localAddress: string, everyMs = 2000): SlowConnection {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port), localAddress });
  const t = performance.now();
  let answer = '';
  let connected = false;
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    connected = true;
    socket.write('GET /api/v0/messages.json HTTP/1.1\r\nHost: x\r\n');
    timer = setInterval(
      () => socket.writable && socket.write(`X-${Math.random().toString(36).slice(2, 8)}: 1\r\n`),
      everyMs,
    );
  });
  socket.on('data', (d) => {
    if (answer.length < 200) answer += d;
  });
  socket.on('error', () => {});
  const ended = new Promise<{ answer: string; ms: number; connected: boolean }>((r) =>
    socket.once('close', () => {
      clearInterval(timer);
      r({ answer, ms: performance.now() - t, connected });
    }),
  );
  return { socket, ended };
}

export interface LoopStats {
  requests: number;
  statuses: Record<string, number>;
  mean_ms: number;
  max_ms: number;
  bytes: number;
}

/** `concurrency` clients each GETting `path` back to back for `ms`. */
export async function getLoop(
  url: string,
  path: string,
  concurrency: number,
  ms: number,
  localAddress = '127.0.0.1',
): Promise<LoopStats> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, localAddress } as http.AgentOptions);
  const end = Date.now() + ms;
  const statuses: Record<string, number> = {};
  let requests = 0,
    total = 0,
    max = 0,
    bytes = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        const status = await new Promise<string>((resolve) => {
          const req = http.get(`${url}${path}`, { agent, timeout: 60_000 }, (res) => {
            res.on('data', (d: Buffer) => (bytes += d.length));
            res.on('end', () => resolve(String(res.statusCode)));
            res.on('error', (e) => resolve(e.message));
          });
          req.on('timeout', () => req.destroy(new Error('timeout')));
          req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
        });
        const d = performance.now() - t;
        requests++;
        total += d;
        max = Math.max(max, d);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return { requests, statuses, mean_ms: Math.round(total / Math.max(1, requests)), max_ms: Math.round(max), bytes };
}
