import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AlephError } from '../../errors.js';
import { itemHashParamSchema, messagesQuerySchema, parseRequestPart } from '../../protocol/index.js';
import { parseRequestBody, publicationRequestSchema, type PublicationAnswer } from '../../protocol/api/index.js';
import type { MessageListResponse } from '../../protocol/api/messageSchemas.js';

const BODY_HINT = 'send {"message": {…signed message…}, "sync": true|false} as JSON';
import type { NodeContext } from '../nodeContext.js';
import { messageVerdicts } from '../programs/historyView.js';
import { checksummed, formatListedMessage, formatMessageStatus } from './formatMessage.js';
import { chunkRows, isOrdinaryPage, pageChunks, pageOf } from './listPage.js';
import { sendList } from './streamList.js';
import { fairTurn } from '../fairTurn.js';

/** aleph v0 message endpoints: publish, list with filters, and status of one message. */
export function messagesRoutes(app: FastifyInstance, node: NodeContext): void {
  app.post('/api/v0/messages', { bodyLimit: node.maxMessageBodyBytes }, async (req, reply) => {
    const body = parseRequestBody(publicationRequestSchema, req.body, 'REQUEST_BODY_INVALID', BODY_HINT);
    const r = await node.pipeline.submit(body.message);
    const publication_status = { status: 'success', failed: [] };
    if (r.status === 'pending') {
      const pending: PublicationAnswer = { publication_status, message_status: 'pending' };
      return reply.code(202).send(pending);
    }
    // What the message did to programs (a STORE amend is accepted even where a program refuses it).
    const program_verdicts = r.verdicts ? await messageVerdicts(node.db, r.item_hash) : [];
    const processed: PublicationAnswer = {
      publication_status,
      message_status: 'processed',
      ...(program_verdicts.length ? { program_verdicts } : {}),
    };
    return reply.code(200).send(processed);
  });

  app.get('/api/v0/messages.json', async (req, reply) => {
    const q = parseRequestPart(messagesQuerySchema, req.query, 'query');
    const page = pageOf(q, node.limits);
    const owners = checksummed(q.owners);
    const types = q.msgTypes ?? (q.msgType ? [q.msgType] : undefined);
    const subtypes = q.contentTypes ?? q.contentKeys;
    // SQLite has no statistics here and prefers (status, type) for `status = ?` over any better index, then sorts
    // every processed message. `+status` (the same test, not indexable) lets it take the filter's own index
    // (hashes, addresses, owners, refs) and sort only those rows, or with no filter walk messages_time in order.
    const selective = Boolean(q.hashes?.length || q.addresses?.length || owners?.length || q.refs?.length);
    const byStatusIndex =
      !selective && Boolean(types?.length || q.channels?.length || q.chains?.length || subtypes?.length);
    const filtered = (status: 'indexed' | 'not-indexed') => {
      let query = node.reads
        .selectFrom('messages')
        .where(status === 'indexed' ? sql.ref('status') : sql`+status`, '=', 'processed');
      if (q.hashes?.length) query = query.where('item_hash', 'in', q.hashes);
      // sender_lc (migration 0004) is lower(sender), indexed: senders may be stored in either case.
      if (q.addresses?.length)
        query = query.where(
          sql.ref('sender_lc'),
          'in',
          q.addresses.map((a) => a.toLowerCase()),
        );
      if (owners?.length) query = query.where('owner', 'in', owners);
      if (q.refs?.length) query = query.where('ref', 'in', q.refs);
      if (types?.length) query = query.where('type', 'in', types);
      if (q.channels?.length) query = query.where('channel', 'in', q.channels);
      if (q.chains?.length) query = query.where('chain', 'in', q.chains);
      if (subtypes?.length) query = query.where('subtype', 'in', subtypes);
      const start = q.startDate ?? q.start_date;
      const end = q.endDate ?? q.end_date;
      if (start) query = query.where('time', '>=', start);
      if (end) query = query.where('time', '<', end);
      return query;
    };
    // Counting by the status index is a covering scan unless a selective filter has a better index.
    const total = await filtered(selective ? 'not-indexed' : 'indexed')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const dir = (q.sort_order ?? q.sortOrder) === 1 ? 'asc' : 'desc';
    // `+time`: with a selective filter, never walk messages_time testing every message (rare addresses: all).
    const chunks = await pageChunks(
      filtered(byStatusIndex ? 'indexed' : 'not-indexed'),
      { columns: ['time', 'height', 'item_hash'], dir, ...(selective ? { unindexed: ['time' as const] } : {}) },
      page,
      node.limits,
    );
    async function* formatted() {
      for (const [i, hashes] of chunks.entries()) {
        // The first chunk at once (an ordinary page is one chunk); the rest of a large answer takes turns.
        if (i > 0) await fairTurn({ ordinary: isOrdinaryPage(page) });
        yield (await chunkRows(node.reads, hashes)).map(formatListedMessage);
      }
    }
    return sendList<'messages', MessageListResponse>(reply, 'messages', formatted(), {
      pagination_page: page.page,
      pagination_total: Number(total.n),
      pagination_per_page: page.perPage,
      pagination_item: 'messages',
    });
  });

  app.get('/api/v0/messages/:hash', async (req) => {
    const hash = parseRequestPart(itemHashParamSchema, (req.params as { hash: string }).hash, 'path', 'hash');
    const row = await node.reads.selectFrom('messages').selectAll().where('item_hash', '=', hash).executeTakeFirst();
    if (!row) throw new AlephError('MESSAGE_NOT_FOUND', `no message ${hash}`, { details: { item_hash: hash } });
    const program_verdicts = row.type === 'PROGRAM' || row.type === 'STORE' ? await messageVerdicts(node.db, hash) : [];
    return { ...formatMessageStatus(row), ...(program_verdicts.length ? { program_verdicts } : {}) };
  });

  // The writer's block height now (DESIGN §4): intervals since genesis, not a count of messages.
  app.get('/api/v0/height', async () => ({ height: node.pipeline.blocks.current().height }));
}
