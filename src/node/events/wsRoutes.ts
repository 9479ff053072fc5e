import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { NodeEvent } from '../apply/applyContext.js';
import type { NodeContext } from '../nodeContext.js';
import { formatMessage, listParam } from '../routes/formatMessage.js';
import type { MessagesTable } from '../store/tables.js';

interface Filters { addresses?: string[]; channels?: string[]; chains?: string[]; refs?: string[]; types?: string[]; subtypes?: string[]; hashes?: string[] }

function filtersOf(q: Record<string, unknown>): Filters {
  return {
    addresses: listParam(q.addresses)?.map((a) => a.toLowerCase()),
    channels: listParam(q.channels),
    chains: listParam(q.chains),
    refs: listParam(q.refs),
    types: (listParam(q.msgTypes) ?? listParam(q.msgType))?.map((t) => t.toUpperCase()),
    subtypes: listParam(q.contentTypes) ?? listParam(q.contentKeys) ?? listParam(q.tags),
    hashes: listParam(q.hashes),
  };
}

function matches(f: Filters, r: MessagesTable): boolean {
  const has = (list: string[] | undefined, v: string | null) => !list || (v != null && list.includes(v));
  return (!f.addresses || f.addresses.includes(r.sender.toLowerCase()) || (r.owner != null && f.addresses.includes(r.owner.toLowerCase())))
    && has(f.channels, r.channel) && has(f.chains, r.chain) && has(f.refs, r.ref) && has(f.types, r.type)
    && has(f.subtypes, r.subtype) && has(f.hashes, r.item_hash);
}

/**
 * aleph's websocket stream of processed messages, with its filters and `history` (that many past messages
 * first); and ours, /api/ws0/programs, announcing each program whose resolved version changed.
 */
export function wsRoutes(app: FastifyInstance, node: NodeContext): void {
  const messageSockets = new Map<WebSocket, Filters>();
  const programSockets = new Set<WebSocket>();

  node.pipeline.bus.on('message', async (hash: string) => {
    if (messageSockets.size === 0) return;
    const row = await node.db.selectFrom('messages').selectAll().where('item_hash', '=', hash).executeTakeFirst();
    if (!row) return;
    const text = JSON.stringify(formatMessage(row));
    for (const [ws, f] of messageSockets) if (matches(f, row)) ws.send(text);
  });
  node.pipeline.bus.on('event', async (e: NodeEvent) => {
    if (programSockets.size === 0) return;
    const p = await node.db.selectFrom('programs').selectAll().where('id', '=', e.programId).executeTakeFirst();
    const text = JSON.stringify({ kind: e.kind, program_id: e.programId, edition: p?.edition ?? null, current_hash: p?.current_hash ?? null, status: p?.status ?? null });
    for (const ws of programSockets) ws.send(text);
  });

  app.get('/api/ws0/messages', { websocket: true }, async (socket, req) => {
    const q = req.query as Record<string, unknown>;
    const f = filtersOf(q);
    const history = Math.min(1000, Number(q.history ?? 0) || 0);
    if (history > 0) {
      const rows = await node.db.selectFrom('messages').selectAll().where('status', '=', 'processed').orderBy('height', 'desc').limit(history * 10).execute();
      for (const r of rows.filter((x) => matches(f, x)).slice(0, history).reverse()) socket.send(JSON.stringify(formatMessage(r)));
    }
    messageSockets.set(socket, f);
    socket.on('close', () => messageSockets.delete(socket));
  });

  app.get('/api/ws0/programs', { websocket: true }, (socket) => {
    programSockets.add(socket);
    socket.on('close', () => programSockets.delete(socket));
  });
}
