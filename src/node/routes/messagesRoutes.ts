import type { FastifyInstance } from 'fastify';
import { AlephError } from '../../errors.js';
import type { NodeContext } from '../nodeContext.js';
import { messageVerdicts } from '../programs/historyView.js';
import { formatMessage, formatMessageStatus, listParam, pageParams, ownerParam } from './formatMessage.js';

/** aleph v0 message endpoints: publish, list with filters, and status of one message. */
export function messagesRoutes(app: FastifyInstance, node: NodeContext): void {
  app.post('/api/v0/messages', { bodyLimit: node.maxMessageBodyBytes }, async (req, reply) => {
    const body = req.body as { message?: unknown; sync?: unknown } | null;
    if (!body || typeof body !== 'object' || !('message' in body)) {
      throw new AlephError('MESSAGE_INVALID', 'the body must be {"message": {...}, "sync": bool}', { details: { field: 'message' } });
    }
    const r = await node.pipeline.submit(body.message);
    const publication_status = { status: 'success', failed: [] };
    if (r.status === 'pending') return reply.code(202).send({ publication_status, message_status: 'pending' });
    // What the message did to programs (a STORE amend is accepted even where a program refuses it).
    const program_verdicts = r.verdicts ? await messageVerdicts(node.db, r.item_hash) : [];
    return reply.code(200).send({ publication_status, message_status: 'processed', ...(program_verdicts.length ? { program_verdicts } : {}) });
  });

  app.get('/api/v0/messages.json', async (req) => {
    const q = req.query as Record<string, unknown>;
    const { perPage, page } = pageParams(q);
    let query = node.db.selectFrom('messages').where('status', '=', 'processed');
    const hashes = listParam(q.hashes);
    if (hashes) query = query.where('item_hash', 'in', hashes);
    const addresses = listParam(q.addresses);
    if (addresses) query = query.where((eb) => eb.or(addresses.map((a) => eb(eb.fn('lower', ['sender']), '=', a.toLowerCase()))));
    const owners = ownerParam(q.owners);
    if (owners) query = query.where('owner', 'in', owners);
    const refs = listParam(q.refs);
    if (refs) query = query.where('ref', 'in', refs);
    const types = listParam(q.msgTypes) ?? listParam(q.msgType);
    if (types) query = query.where('type', 'in', types.map((t) => t.toUpperCase()));
    const channels = listParam(q.channels);
    if (channels) query = query.where('channel', 'in', channels);
    const chains = listParam(q.chains);
    if (chains) query = query.where('chain', 'in', chains);
    const subtypes = listParam(q.contentTypes) ?? listParam(q.contentKeys);
    if (subtypes) query = query.where('subtype', 'in', subtypes);
    if (q.startDate) query = query.where('time', '>=', Number(q.startDate));
    if (q.endDate) query = query.where('time', '<', Number(q.endDate));
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const asc = Number(q.sort_order) === 1;
    let rows = query.selectAll().orderBy('time', asc ? 'asc' : 'desc').orderBy('height', asc ? 'asc' : 'desc');
    if (perPage > 0) rows = rows.limit(perPage).offset((page - 1) * perPage);
    return {
      messages: (await rows.execute()).map(formatMessage),
      pagination_page: page,
      pagination_total: Number(total.n),
      pagination_per_page: perPage,
      pagination_item: 'messages',
    };
  });

  app.get('/api/v0/messages/:hash', async (req, reply) => {
    const { hash } = req.params as { hash: string };
    const row = await node.db.selectFrom('messages').selectAll().where('item_hash', '=', hash).executeTakeFirst();
    if (!row) return reply.code(404).send({ error_code: 'MESSAGE_NOT_FOUND', details: { message: `no message ${hash}`, item_hash: hash } });
    const program_verdicts = row.type === 'PROGRAM' || row.type === 'STORE' ? await messageVerdicts(node.db, hash) : [];
    return { ...formatMessageStatus(row), ...(program_verdicts.length ? { program_verdicts } : {}) };
  });

  // The writer's block height now (DESIGN §4): intervals since genesis, not a count of messages.
  app.get('/api/v0/height', async () => ({ height: node.pipeline.blocks.current().height }));
}
