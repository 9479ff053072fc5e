import { z } from 'zod';

/**
 * `POST /api/v0/price/estimate` and `GET /api/v0/price/{hash}`: pyaleph's `EstimatedCostsResponse`
 * (schemas/api/costs.py). This network takes no payment: every cost is zero, with pyaleph's 18 decimals.
 */
export const estimatedCostsSchema = z.object({
  required_tokens: z.number().min(0),
  payment_type: z.string(),
  cost: z.string().regex(/^\d+\.\d{18}$/, 'expected a decimal with 18 places'),
  detail: z.array(z.unknown()),
  charged_address: z.string(),
});
export type EstimatedCosts = z.infer<typeof estimatedCostsSchema>;

/** `GET /api/v0/addresses/{address}/balance`: pyaleph's `GetAccountBalanceResponse` (schemas/api/accounts.py). */
export const accountBalanceSchema = z.object({
  address: z.string(),
  balance: z.number(),
  details: z.record(z.string(), z.number()),
  locked_amount: z.number(),
  credit_balance: z.number(),
  credit_balance_details: z.unknown().nullable(),
});
export type AccountBalance = z.infer<typeof accountBalanceSchema>;
