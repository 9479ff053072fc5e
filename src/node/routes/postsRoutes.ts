import type { FastifyInstance } from 'fastify';
import type { NodeContext } from '../nodeContext.js';
import type { MessagesTable } from '../store/tables.js';
import { listParam, pageParams, ownerParam } from './formatMessage.js';

/** A post as aleph's v0 posts.json shows it: the original, carrying the content of its newest amend. */
function formatPost(original: MessagesTable, latest: MessagesTable | undefined): Record<string, unknown> {
  const shown = latest ?? original;
  const content = JSON.parse(shown.content ?? '{}') as { content?: unknown; type?: string; address?: string; ref?: string };
  const originalContent = JSON.parse(original.content ?? '{}') as { type?: string; address?: string; ref?: string };
  return {
    chain: original.chain,
    item_hash: shown.item_hash,
    sender: original.sender,
    type: originalContent.type,
    channel: original.channel,
    confirmed: false,
    content: content.content,
    item_content: shown.item_content,
    item_type: shown.item_type,
    signature: shown.signature,
    size: shown.size,
    time: shown.time,
    confirmations: [],
    original_item_hash: original.item_hash,
    original_signature: original.signature,
    original_type: originalContent.type,
    hash: shown.item_hash,
    address: originalContent.address,
    ref: originalContent.ref ?? null,
  };
}

export function postsRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get('/api/v0/posts.json', async (req) => {
    const q = req.query as Record<string, unknown>;
    const { perPage, page } = pageParams(q, 20);
    let query = node.db.selectFrom('messages').where('type', '=', 'POST').where('status', '=', 'processed').where('subtype', '!=', 'amend');
    const types = listParam(q.types);
    if (types) query = query.where('subtype', 'in', types);
    const addresses = ownerParam(q.addresses);
    if (addresses) query = query.where('owner', 'in', addresses);
    const hashes = listParam(q.hashes);
    if (hashes) query = query.where('item_hash', 'in', hashes);
    const channels = listParam(q.channels);
    if (channels) query = query.where('channel', 'in', channels);
    const refs = listParam(q.refs);
    if (refs) query = query.where('ref', 'in', refs);
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    let rowsQ = query.selectAll().orderBy('height', 'desc');
    if (perPage > 0) rowsQ = rowsQ.limit(perPage).offset((page - 1) * perPage);
    const originals = await rowsQ.execute();
    // One query for the amends of the whole page (not one per post); the newest per original wins.
    const amends = originals.length
      ? await node.db
          .selectFrom('messages').selectAll()
          .where('type', '=', 'POST').where('status', '=', 'processed').where('subtype', '=', 'amend')
          .where('ref', 'in', originals.map((o) => o.item_hash))
          .orderBy('height', 'asc').execute()
      : [];
    const latest = new Map(amends.map((a) => [a.ref, a]));
    const posts = originals.map((o) => formatPost(o, latest.get(o.item_hash)));
    return { posts, pagination_page: page, pagination_total: Number(total.n), pagination_per_page: perPage, pagination_item: 'posts' };
  });
}
