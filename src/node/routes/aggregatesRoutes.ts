import type { FastifyInstance } from 'fastify';
import { isAddress, toChecksumAddress } from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import { listParam } from './formatMessage.js';

/** aleph's GET /aggregates/{address}.json: every key of an address, merged in processing order. */
export function aggregatesRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get('/api/v0/aggregates/:address', async (req, reply) => {
    const raw = (req.params as { address: string }).address.replace(/\.json$/, '');
    if (!isAddress(raw)) return reply.code(422).send({ error_code: 'ADDRESS_INVALID', details: { message: `not an address: ${raw}` } });
    const address = toChecksumAddress(raw);
    let q = node.db.selectFrom('aggregates').selectAll().where('address', '=', address);
    const keys = listParam((req.query as Record<string, unknown>).keys);
    if (keys) q = q.where('key', 'in', keys);
    const rows = await q.orderBy('key').execute();
    if (rows.length === 0) return reply.code(404).send({ error_code: 'AGGREGATE_NOT_FOUND', details: { message: `no aggregate for ${address}` } });
    const data: Record<string, unknown> = {};
    for (const r of rows) data[r.key] = JSON.parse(r.content);
    return { address, data };
  });
}
