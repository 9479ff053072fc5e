import type { FastifyInstance } from 'fastify';
import type { ApiPost } from '../../protocol/api/messageSchemas.js';
import type { PostsPage } from '../../protocol/api/nodeSchemas.js';
import { parseRequestPart, postsQuerySchema } from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import type { MessagesTable } from '../store/tables.js';
import { checksummed, parseStoredJson } from './formatMessage.js';
import { chunkRows, isOrdinaryPage, pageChunks, pageOf } from './listPage.js';
import { sendList } from './streamList.js';
import { fairTurn } from '../fairTurn.js';

type StoredPost = { content?: unknown; type?: string; address?: string; ref?: string };
const storedPost = (text: string | null): StoredPost => {
  const v = parseStoredJson(text);
  return v && typeof v === 'object' ? (v as StoredPost) : {};
};

/** A post as aleph's v0 posts.json shows it: the original, carrying the content of its newest amend. */
function formatPost(original: MessagesTable, latest: MessagesTable | undefined): ApiPost {
  const shown = latest ?? original;
  const content = storedPost(shown.content);
  const originalContent = storedPost(original.content);
  return {
    chain: original.chain,
    item_hash: shown.item_hash,
    sender: original.sender,
    // A processed POST always has its type (the content schema requires it); '' only for a row no longer readable.
    type: originalContent.type ?? '',
    channel: original.channel,
    confirmed: false,
    content: content.content,
    item_content: shown.item_content,
    item_type: shown.item_type as ApiPost['item_type'],
    signature: shown.signature,
    size: shown.size,
    time: shown.time,
    confirmations: [],
    original_item_hash: original.item_hash,
    original_signature: original.signature,
    original_type: originalContent.type ?? '',
    hash: shown.item_hash,
    address: originalContent.address ?? null,
    ref: originalContent.ref ?? null,
  };
}

/**
 * The newest amend of each original, loading only those rows: a post amended 100,000 times by its owner
 * must not pull 100,000 contents into memory. Two queries per chunk of the page, not one per post.
 */
async function newestAmends(node: NodeContext, refs: string[]): Promise<Map<string | null, MessagesTable>> {
  const latest = new Map<string | null, MessagesTable>();
  for (let i = 0; i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500);
    const amends = node.reads
      .selectFrom('messages')
      .where('type', '=', 'POST')
      .where('status', '=', 'processed')
      .where('subtype', '=', 'amend');
    const newest = await amends
      .select((eb) => ['ref', eb.fn.max('height').as('h')])
      .where('ref', 'in', chunk)
      .groupBy('ref')
      .execute();
    if (newest.length === 0) continue;
    const want = new Map(newest.map((n) => [n.ref, n.h]));
    const rows = await amends
      .selectAll()
      .where('ref', 'in', [...want.keys()] as string[])
      .where('height', 'in', [...new Set(want.values())] as number[])
      .orderBy('height', 'asc')
      .execute();
    for (const r of rows) if (want.get(r.ref) === r.height) latest.set(r.ref, r);
  }
  return latest;
}

export function postsRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get('/api/v0/posts.json', async (req, reply) => {
    const q = parseRequestPart(postsQuerySchema, req.query, 'query');
    const { perPage, page } = pageOf(q, node.limits, 20);
    let query = node.reads
      .selectFrom('messages')
      .where('type', '=', 'POST')
      .where('status', '=', 'processed')
      .where('subtype', '!=', 'amend');
    if (q.types?.length) query = query.where('subtype', 'in', q.types);
    const addresses = checksummed(q.addresses);
    if (addresses?.length) query = query.where('owner', 'in', addresses);
    if (q.hashes?.length) query = query.where('item_hash', 'in', q.hashes);
    if (q.channels?.length) query = query.where('channel', 'in', q.channels);
    if (q.refs?.length) query = query.where('ref', 'in', q.refs);
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const chunks = await pageChunks(
      query,
      { columns: ['height', 'item_hash'], dir: 'desc' },
      { perPage, page },
      node.limits,
    );
    async function* formatted() {
      for (const [i, hashes] of chunks.entries()) {
        if (i > 0) await fairTurn({ ordinary: isOrdinaryPage({ perPage, page }) });
        const originals = await chunkRows(node.reads, hashes);
        const latest = await newestAmends(node, hashes);
        yield originals.map((o) => formatPost(o, latest.get(o.item_hash)));
      }
    }
    return sendList<'posts', PostsPage>(reply, 'posts', formatted(), {
      pagination_page: page,
      pagination_total: Number(total.n),
      pagination_per_page: perPage,
      pagination_item: 'posts',
    });
  });
}
