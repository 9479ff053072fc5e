import { z } from 'zod';
import { isAnyItemHash } from '../messages/hashFormats.js';

// aleph forbids unknown fields at every level (pydantic `extra = forbid`), hence strict objects throughout.
export const hash = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex item hash');
/**
 * A message's item hash as aleph-message's `ItemHash` takes it: sha256 hex, or a CID for a message stored on
 * IPFS (a program's code, runtime and volumes name STORE messages, which may be such).
 */
export const itemHashRef = z.string().refine(isAnyItemHash, 'expected an item hash (64-hex sha256 or an IPFS CID)');
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
