import type { FastifyInstance } from 'fastify';
import { AlephError } from '../../errors.js';
import {
  addressParamSchema,
  aggregatesQuerySchema,
  parseRequestPart,
  toChecksumAddress,
} from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import { parseStoredJson } from './formatMessage.js';
import { pricingSettingsOf, type PricingSettings } from '../pricing/pricingSettings.js';

/** aleph's GET /aggregates/{address}.json: every key of an address, merged in processing order. */
export function aggregatesRoutes(
  app: FastifyInstance,
  node: NodeContext,
  pricing: PricingSettings = pricingSettingsOf(),
): void {
  // Served at the SDK's ALEPH_AGGREGATE_ADDRESS unless a real aggregate there sets the key (node/pricing).
  const virtualKeys = (address: string): Record<string, unknown> =>
    address === toChecksumAddress(pricing.aggregateAddress) ? { pricing: pricing.aggregate } : {};
  app.get('/api/v0/aggregates/:address', async (req) => {
    const raw = (req.params as { address: string }).address.replace(/\.json$/, '');
    const address = toChecksumAddress(parseRequestPart(addressParamSchema, raw, 'path', 'address'));
    const { keys } = parseRequestPart(aggregatesQuerySchema, req.query, 'query');
    let q = node.reads.selectFrom('aggregates').selectAll().where('address', '=', address);
    if (keys?.length) q = q.where('key', 'in', keys);
    const rows = await q.orderBy('key').limit(node.limits.maxListRows).execute();
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(virtualKeys(address))) if (!keys?.length || keys.includes(k)) data[k] = v;
    if (rows.length === 0 && Object.keys(data).length === 0) {
      throw new AlephError('AGGREGATE_NOT_FOUND', `no aggregate for ${address}`, { details: { address } });
    }
    for (const r of rows) data[r.key] = parseStoredJson(r.content);
    return { address, data };
  });
}
