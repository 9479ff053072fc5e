import type { FastifyInstance } from 'fastify';
import { AlephError } from '../../errors.js';
import { addressParamSchema, aggregatesQuerySchema, parseRequestPart, toChecksumAddress } from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import { parseStoredJson } from './formatMessage.js';

/** aleph's GET /aggregates/{address}.json: every key of an address, merged in processing order. */
export function aggregatesRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get('/api/v0/aggregates/:address', async (req) => {
    const raw = (req.params as { address: string }).address.replace(/\.json$/, '');
    const address = toChecksumAddress(parseRequestPart(addressParamSchema, raw, 'path', 'address'));
    const { keys } = parseRequestPart(aggregatesQuerySchema, req.query, 'query');
    let q = node.db.selectFrom('aggregates').selectAll().where('address', '=', address);
    if (keys?.length) q = q.where('key', 'in', keys);
    const rows = await q.orderBy('key').limit(node.limits.maxListRows).execute();
    if (rows.length === 0) throw new AlephError('AGGREGATE_NOT_FOUND', `no aggregate for ${address}`, { details: { address } });
    const data: Record<string, unknown> = {};
    for (const r of rows) data[r.key] = parseStoredJson(r.content);
    return { address, data };
  });
}
