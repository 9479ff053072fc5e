import type http from 'node:http';
import net from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import { AlephError } from '../../errors.js';
import { HOP } from '../router/proxyToInstance.js';
import { FORWARDED_HEADER } from './forwardMarker.js';
import type { Peer } from './fleetMembership.js';

/** Failures that mean the peer was never reached: nothing of the request left, so it may be served here instead. */
const UNREACHED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND']);
/** The connection died before any answer (kill -9 with requests in flight), or its pool closed as the peer left. */
const CUT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_DESTROYED']);
/** Idempotent methods (RFC 9110 §9.2.2): one cut off before its answer may run again here, as nginx retries them. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Kept-alive connections to each peer, made on first use and closed when it leaves the fleet. */
export class PeerPools {
  private readonly pools = new Map<string, Pool>();

  get(peer: Peer): Pool {
    let p = this.pools.get(peer.url);
    if (!p) {
      // Below the peer's own 10 s keep-alive, so this side never reuses a socket the peer is closing.
      p = new Pool(peer.url, { connections: 128, keepAliveTimeout: 4000, connect: { timeout: 2000 } });
      this.pools.set(peer.url, p);
    }
    return p;
  }

  /** Closes the pools of peers no longer in `live`. */
  retain(live: readonly Peer[]): void {
    const keep = new Set(live.map((p) => p.url));
    for (const [url, pool] of this.pools)
      if (!keep.has(url)) {
        this.pools.delete(url);
        void pool.destroy().catch(() => {});
      }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => {})));
    this.pools.clear();
  }
}

function peerFailed(peer: Peer, reason: string): AlephError {
  return new AlephError(
    'COMPUTE_PEER_FAILED',
    `the compute node serving this program (${peer.name || peer.address}) failed: ${reason}`,
    {
      hint: 'retry: the fleet re-places its programs within seconds of a compute node going away',
      details: { peer: peer.address, reason },
    },
  );
}

/**
 * Forwards one `/vm/` request, as it came (target, headers, body streamed), to the compute node it is placed on,
 * with this node's marker so the peer serves it and never forwards it again (one hop). The peer's answer comes
 * back as it is. When the peer cannot be reached at all and the body is untouched, or its connection is cut before
 * any answer to a bodiless idempotent request, `unreached` serves it here instead (the fleet has not yet seen the
 * peer die); any other failure is a 502 COMPUTE_PEER_FAILED.
 */
export function forwardToPeer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  peer: Peer,
  pool: Pool,
  marker: string,
  seconds: number,
  unreached: () => void,
  fail: (e: AlephError) => void,
): void {
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!.toLowerCase();
    if ((!HOP.has(k) || k === 'host') && k !== FORWARDED_HEADER) headers.push(raw[i]!, raw[i + 1]!);
  }
  headers.push(FORWARDED_HEADER, marker);
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  // The peer bounds the program by resources.seconds itself (504); this only stops waiting on a peer that hangs.
  const limitMs = (seconds + 5) * 1000;
  pool
    .request({
      method: (req.method ?? 'GET') as 'GET',
      path: req.url ?? '/',
      headers,
      body: hasBody ? req : null,
      headersTimeout: limitMs,
      bodyTimeout: limitMs,
    })
    .then(
      async (up) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
        res.writeHead(up.statusCode, out);
        res.on('close', () => {
          if (!res.writableFinished) up.body.destroy();
        });
        await pipeline(up.body, res).catch(() => res.destroy());
      },
      (e: Error & { code?: string }) => {
        const code = e.code ?? '';
        const retry = UNREACHED.has(code) || (CUT.has(code) && !hasBody && IDEMPOTENT.has(req.method ?? ''));
        if (retry && !req.readableDidRead && !res.headersSent) return unreached();
        if (res.headersSent) return res.destroy();
        fail(peerFailed(peer, e.message));
      },
    );
  if (!hasBody) req.resume();
}

/**
 * An `Upgrade` (websocket) to a program placed on a peer: the head goes to the peer as it came, with this node's
 * marker, on a connection of its own, and from then on bytes are relayed both ways untouched. A peer that refuses
 * the connection before any byte is relayed is served here (`unreached`).
 */
export function forwardUpgrade(
  req: http.IncomingMessage,
  socket: net.Socket,
  head: Buffer,
  peer: Peer,
  marker: string,
  unreached: () => void,
): void {
  const target = new URL(peer.url);
  let lines = `${req.method} ${req.url} HTTP/1.1\r\n`;
  const raw = req.rawHeaders;
  // Header values node:http accepted cannot hold CR or LF, so the rebuilt head cannot be split.
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.toLowerCase() !== FORWARDED_HEADER) lines += `${raw[i]}: ${raw[i + 1]}\r\n`;
  lines += `${FORWARDED_HEADER}: ${marker}\r\n\r\n`;
  socket.on('error', () => {});
  const up = net.connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 80) });
  let relayed = false;
  // A peer whose packets vanish (its host is gone) is as unreached as one that refuses.
  up.setTimeout(2000, () => {
    if (relayed) return;
    up.destroy();
    if (!socket.destroyed) unreached();
  });
  up.on('connect', () => {
    relayed = true;
    up.setTimeout(0);
    up.write(lines);
    if (head.length > 0) up.write(head);
    socket.pipe(up);
    up.pipe(socket);
  });
  up.on('error', (e: Error & { code?: string }) => {
    if (!relayed && UNREACHED.has(e.code ?? '') && !socket.destroyed) return unreached();
    socket.destroy();
  });
  up.on('close', () => socket.destroy());
  socket.on('close', () => up.destroy());
}
