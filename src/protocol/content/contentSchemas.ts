import { z } from 'zod';
import { baseFields, hash, itemHashRef, payment } from './baseContent.js';
import { programContent, type ProgramContent } from './programContent.js';
import type { MessageType } from '../messages/messageTypes.js';
import { isHashOfItemType } from '../messages/hashFormats.js';

export const postContent = z
  .strictObject({
    ...baseFields,
    type: z.string().min(1).max(256),
    content: z.unknown().optional(),
    ref: z.string().max(256).nullish(),
  })
  .refine((c) => c.type !== 'amend' || c.ref == null || hash.safeParse(c.ref).success, {
    path: ['ref'],
    message: 'the ref of an amend must be the 64-hex item hash of the amended post',
  });

export const aggregateContent = z.strictObject({
  ...baseFields,
  key: z.string().min(1).max(256),
  content: z.record(z.string(), z.unknown()),
});

export const storeContent = z
  .strictObject({
    ...baseFields,
    item_type: z.enum(['storage', 'ipfs']),
    item_hash: z.string().min(1).max(256),
    size: z.number().int().nonnegative().nullish(),
    content_type: z.string().nullish(),
    ref: itemHashRef.nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    extra_fields: z.record(z.string(), z.unknown()).nullish(),
    payment: payment.nullish(),
  })
  .refine((c) => isHashOfItemType(c.item_type, c.item_hash), {
    path: ['item_hash'],
    // The file hash becomes a path in the node's file store: only a real hash may get there.
    message: 'expected a 64-hex sha256 for item_type "storage", an IPFS CID for "ipfs"',
  });

export const forgetContent = z.strictObject({
  ...baseFields,
  hashes: z.array(itemHashRef).min(1),
  aggregates: z.array(hash).default([]),
  reason: z.string().max(4096).nullish(),
});

// INSTANCE messages are accepted and stored as-is (the VM issue is out of scope): only the base fields are checked.
export const instanceContent = z.looseObject({ ...baseFields });

export type PostContent = z.infer<typeof postContent>;
export type AggregateContent = z.infer<typeof aggregateContent>;
export type StoreContent = z.infer<typeof storeContent>;
export type ForgetContent = z.infer<typeof forgetContent>;
export type InstanceContent = z.infer<typeof instanceContent>;
export { programContent };
export type { ProgramContent };
export type { ProgramVolume } from './programContent.js';

/** The content each message type has once its schema parsed it. */
export interface ContentOfType {
  POST: PostContent;
  AGGREGATE: AggregateContent;
  STORE: StoreContent;
  PROGRAM: ProgramContent;
  INSTANCE: InstanceContent;
  FORGET: ForgetContent;
}

export const contentSchemas: { [T in MessageType]: z.ZodType<ContentOfType[T]> } = {
  POST: postContent,
  AGGREGATE: aggregateContent,
  STORE: storeContent,
  PROGRAM: programContent,
  INSTANCE: instanceContent,
  FORGET: forgetContent,
};
