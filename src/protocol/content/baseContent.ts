import { z } from 'zod';

// aleph forbids unknown fields at every level (pydantic `extra = forbid`), hence strict objects throughout.
export const hash = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex item hash');
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x address');
export const anyJson = z.unknown();

export const payment = z.strictObject({
  chain: z.string(),
  type: z.enum(['hold', 'superfluid', 'credit']),
  receiver: address.nullish(),
});

export const baseFields = {
  address: address.optional(),
  time: z.number(),
};
