import type { FastifyInstance } from 'fastify';
import { addressParamSchema, aggregatesQuerySchema, parseRequestPart, toChecksumAddress } from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import { parseStoredJson } from './formatMessage.js';

/** aleph's GET /aggregates/{address}.json: every key of an address, merged in processing order. */
export function aggregatesRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get('/api/v0/aggregates/:address', async (req, reply) => {
    const raw = (req.params as { address: string }).address.replace(/\.json$/, '');
    const address = toChecksumAddress(parseRequestPart(addressParamSchema, raw, 'path', 'address'));
    const { keys } = parseRequestPart(aggregatesQuerySchema, req.query, 'query');
    let q = node.reads.selectFrom('aggregates').selectAll().where('address', '=', address);
    if (keys?.length) q = q.where('key', 'in', keys);
    const rows = await q.orderBy('key').limit(node.limits.maxListRows).execute();
    if (rows.length === 0) return reply.code(404).send({ error_code: 'AGGREGATE_NOT_FOUND', details: { message: `no aggregate for ${address}` } });
    const data: Record<string, unknown> = {};
    for (const r of rows) data[r.key] = parseStoredJson(r.content);
    return { address, data };
  });
}
