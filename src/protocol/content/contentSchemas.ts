import { z } from 'zod';
import { baseFields, hash, payment } from './baseContent.js';
import { programContent } from './programContent.js';
import type { MessageType } from '../messages/messageTypes.js';

export const postContent = z.strictObject({
  ...baseFields,
  type: z.string().min(1),
  content: z.unknown().optional(),
  ref: z.string().nullish(),
});

export const aggregateContent = z.strictObject({
  ...baseFields,
  key: z.string().min(1),
  content: z.record(z.string(), z.unknown()),
});

export const storeContent = z.strictObject({
  ...baseFields,
  item_type: z.enum(['storage', 'ipfs']),
  item_hash: z.string().min(1),
  size: z.number().int().nonnegative().nullish(),
  content_type: z.string().nullish(),
  ref: hash.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  extra_fields: z.record(z.string(), z.unknown()).nullish(),
  payment: payment.nullish(),
});

export const forgetContent = z.strictObject({
  ...baseFields,
  hashes: z.array(hash).min(1),
  aggregates: z.array(z.string()).default([]),
  reason: z.string().nullish(),
});

// INSTANCE messages are accepted and stored as-is (the VM issue is out of scope): only the base fields are checked.
export const instanceContent = z.looseObject({ ...baseFields });

export const contentSchemas: Record<MessageType, z.ZodType> = {
  POST: postContent,
  AGGREGATE: aggregateContent,
  STORE: storeContent,
  PROGRAM: programContent,
  INSTANCE: instanceContent,
  FORGET: forgetContent,
};

export type PostContent = z.infer<typeof postContent>;
export type AggregateContent = z.infer<typeof aggregateContent>;
export type StoreContent = z.infer<typeof storeContent>;
export type ForgetContent = z.infer<typeof forgetContent>;
export { programContent };
export type { ProgramContent, ProgramVolume } from './programContent.js';
