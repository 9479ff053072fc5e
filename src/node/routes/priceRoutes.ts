import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AlephError } from '../../errors.js';
import {
  type AccountBalance,
  addressParamSchema,
  type EstimatedCosts,
  itemHashParamSchema,
  parseRequestPart,
  toChecksumAddress,
} from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import { parseStoredJson } from './formatMessage.js';

/** pyaleph toolkit/constants.py PRICE_PRECISION: costs are strings with 18 decimals (toolkit/costs.py format_cost_str). */
const ZERO_COST = (0).toFixed(18);
const PRICED_TYPES = new Set(['PROGRAM', 'INSTANCE', 'STORE']);

/** pyaleph schemas/api/costs.py `EstimatedCostsResponse`, at zero: this network takes no payment. */
function zeroCost(content: unknown, sender: string): EstimatedCosts {
  const c = (content && typeof content === 'object' ? content : {}) as {
    address?: unknown;
    payment?: { type?: unknown };
  };
  return {
    required_tokens: 0,
    payment_type: typeof c.payment?.type === 'string' ? c.payment.type : 'hold',
    cost: ZERO_COST,
    detail: [],
    charged_address: typeof c.address === 'string' ? c.address : sender,
  };
}

// The SDK posts aleph-message's full dump (content, a dummy signature, null confirmations): only what prices it is read.
const estimateBody = z.object({
  message: z.object({
    type: z.string(),
    sender: z.string(),
    content: z.unknown().optional(),
    item_content: z.string().nullish(),
  }),
});

/** aleph's price and balance endpoints (pyaleph web/controllers/prices.py, accounts.py), all at zero cost. */
export function priceRoutes(app: FastifyInstance, node: NodeContext): void {
  app.post('/api/v0/price/estimate', async (req) => {
    const r = estimateBody.safeParse(req.body);
    if (!r.success) {
      throw new AlephError(
        'PRICE_REQUEST_INVALID',
        'the body must be {"message": {type, sender, content | item_content}}',
        {
          hint: 'send the unsigned PROGRAM, INSTANCE or STORE message to estimate',
          details: { field: String(r.error.issues[0]?.path.join('.') ?? '') },
        },
      );
    }
    const m = r.data.message;
    if (!PRICED_TYPES.has(m.type)) {
      throw new AlephError('PRICE_TYPE_UNSUPPORTED', `a ${m.type} message has no price`, { details: { type: m.type } });
    }
    return zeroCost(m.content ?? parseStoredJson(m.item_content ?? null), m.sender);
  });

  app.get('/api/v0/price/:hash', async (req, reply) => {
    const hash = parseRequestPart(itemHashParamSchema, (req.params as { hash: string }).hash, 'path', 'hash');
    const row = await node.db
      .selectFrom('messages')
      .select(['type', 'status', 'sender', 'content', 'item_content', 'item_type'])
      .where('item_hash', '=', hash)
      .executeTakeFirst();
    // pyaleph's statuses (prices.py MESSAGE_STATUS_EXCEPTIONS): 404 unknown or rejected, 410 forgotten.
    if (!row || row.status === 'rejected')
      return reply
        .code(404)
        .send({ error_code: 'MESSAGE_NOT_FOUND', details: { message: `no priced message ${hash}`, item_hash: hash } });
    if (row.status === 'forgotten')
      return reply
        .code(410)
        .send({ error_code: 'MESSAGE_FORGOTTEN', details: { message: `${hash} has been forgotten`, item_hash: hash } });
    if (row.status === 'pending')
      return reply
        .code(404)
        .send({ error_code: 'MESSAGE_PENDING', details: { message: `${hash} is still pending`, item_hash: hash } });
    if (!PRICED_TYPES.has(row.type)) {
      return reply.code(400).send({
        error_code: 'PRICE_TYPE_UNSUPPORTED',
        details: { message: `${hash} is not an executable or store message`, type: row.type },
      });
    }
    return zeroCost(parseStoredJson(row.content ?? row.item_content), row.sender);
  });

  // pyaleph schemas/api/accounts.py `GetAccountBalanceResponse`: nothing is locked, nothing is owed.
  app.get('/api/v0/addresses/:address/balance', async (req): Promise<AccountBalance> => {
    const address = toChecksumAddress(
      parseRequestPart(addressParamSchema, (req.params as { address: string }).address, 'path', 'address'),
    );
    return { address, balance: 0, details: {}, locked_amount: 0, credit_balance: 0, credit_balance_details: null };
  });
}
