import { z } from 'zod';
import {
  aggregateContent,
  forgetContent,
  instanceContent,
  postContent,
  programContent,
  storeContent,
} from '../content/contentSchemas.js';
import { programVerdictsSchema } from './verdictSchemas.js';

/*
 * The message objects the node answers with, exactly as aleph's Python stack shapes them. aleph-message's
 * `BaseMessage` (aleph_message/models/__init__.py) has `extra="forbid"`: the Python SDK refuses (get_message,
 * watch_messages) or silently drops (get_messages) a message carrying any field outside its model. The shapes
 * are pyaleph's (src/aleph/schemas/api/messages.py and web/controllers/messages.py `message_to_dict`): every
 * object here is strict, so a stray field fails our own tests before it reaches a Python user.
 */

const chain = z.string().min(1);
const itemType = z.enum(['inline', 'storage', 'ipfs']);
const messageType = z.enum(['POST', 'AGGREGATE', 'STORE', 'PROGRAM', 'INSTANCE', 'FORGET']);

/** pyaleph `MessageConfirmation`: chain, height, hash (this network confirms nothing on a chain yet). */
export const messageConfirmationSchema = z.strictObject({ chain, height: z.number().int(), hash: z.string() });

/** The fields of pyaleph's `BaseMessage` (a subset of aleph-message's), plus `size` on listings (`message_to_dict`). */
const envelopeFields = {
  sender: z.string(),
  chain,
  signature: z.string().nullable(),
  item_content: z.string().nullable(),
  item_type: itemType,
  item_hash: z.string(),
  time: z.number(),
  channel: z.string().nullable(),
  confirmed: z.boolean(),
  confirmations: z.array(messageConfirmationSchema),
  size: z.number().int().nonnegative().optional(),
};

const messageOf = <T extends z.infer<typeof messageType>, C extends z.ZodType>(type: T, content: C) =>
  z.strictObject({ ...envelopeFields, type: z.literal(type), content });

export const postMessageSchema = messageOf('POST', postContent);
export const aggregateMessageSchema = messageOf('AGGREGATE', aggregateContent);
export const storeMessageSchema = messageOf('STORE', storeContent);
export const programMessageSchema = messageOf('PROGRAM', programContent);
export const instanceMessageSchema = messageOf('INSTANCE', instanceContent);
export const forgetMessageSchema = messageOf('FORGET', forgetContent);

/** A processed message: pyaleph `AlephMessage`, discriminated by `type`. */
export const alephMessageSchema = z.discriminatedUnion('type', [
  postMessageSchema,
  aggregateMessageSchema,
  storeMessageSchema,
  programMessageSchema,
  instanceMessageSchema,
  forgetMessageSchema,
]);
export type AlephMessage = z.infer<typeof alephMessageSchema>;

/** What every shape below shares: the signed envelope but its item_content (the forgotten one has none). */
const signedFields = {
  sender: z.string(),
  chain,
  signature: z.string().nullable(),
  type: messageType,
  item_type: itemType,
  item_hash: z.string(),
  time: z.number(),
  channel: z.string().nullable(),
};

/** pyaleph `PendingMessage`: the envelope, its content when known, and when the node received it. */
export const pendingMessageSchema = z.strictObject({
  ...signedFields,
  item_content: z.string().nullable(),
  content: z.record(z.string(), z.unknown()).nullable(),
  reception_time: z.string(),
});
export type PendingMessage = z.infer<typeof pendingMessageSchema>;

/** pyaleph `ForgottenMessage`: what is left of a forgotten message (no content). */
export const forgottenMessageSchema = z.strictObject({
  ...signedFields,
  owner: z.string().nullable(),
  payment_type: z.string().nullable(),
  size: z.number().int().nullable(),
  forgotten_at: z.number().nullable(),
});
export type ForgottenMessage = z.infer<typeof forgottenMessageSchema>;

/** pyaleph keeps a rejected message as it was received (a `Mapping`): here its signed envelope. */
export const rejectedMessageSchema = z.strictObject({ ...signedFields, item_content: z.string().nullable() });
export type RejectedMessage = z.infer<typeof rejectedMessageSchema>;

/** Our addition on the outer status object (never on the message): what a PROGRAM or STORE did to programs. */
const programVerdicts = programVerdictsSchema.optional();
/** pyaleph `BaseMessageStatus`: `reception_time` lives here (ISO 8601, as pydantic serializes a datetime). */
const statusFields = { item_hash: z.string(), reception_time: z.string(), program_verdicts: programVerdicts };

export const processedMessageStatusSchema = z.strictObject({
  ...statusFields,
  status: z.literal('processed'),
  message: alephMessageSchema,
});
export const pendingMessageStatusSchema = z.strictObject({
  ...statusFields,
  status: z.literal('pending'),
  messages: z.array(pendingMessageSchema),
});
export const forgottenMessageStatusSchema = z.strictObject({
  ...statusFields,
  status: z.literal('forgotten'),
  message: forgottenMessageSchema,
  forgotten_by: z.array(z.string()),
});
export const rejectedMessageStatusSchema = z.strictObject({
  ...statusFields,
  status: z.literal('rejected'),
  message: rejectedMessageSchema,
  error_code: z.string(),
  details: z.unknown(),
});

/** `GET /api/v0/messages/{hash}`: pyaleph `MessageWithStatus`. */
export const messageWithStatusSchema = z.discriminatedUnion('status', [
  processedMessageStatusSchema,
  pendingMessageStatusSchema,
  forgottenMessageStatusSchema,
  rejectedMessageStatusSchema,
]);
export type MessageWithStatus = z.infer<typeof messageWithStatusSchema>;

/** `GET /api/v0/messages.json`: pyaleph `format_response_dict`. */
export const messageListResponseSchema = z.strictObject({
  messages: z.array(alephMessageSchema),
  pagination_page: z.number().int(),
  pagination_total: z.number().int(),
  pagination_per_page: z.number().int(),
  pagination_item: z.literal('messages'),
});
export type MessageListResponse = z.infer<typeof messageListResponseSchema>;

/**
 * One post of `GET /api/v0/posts.json`: the original (its hash, sender, channel, type) carrying the content of its
 * newest amend, as pyaleph's v0 posts route shows it and aleph-sdk-python's `Post` reads it (`extra="forbid"`).
 * `content` is the post's own `content.content`, whatever JSON its author put there.
 */
export const apiPostSchema = z.strictObject({
  chain,
  item_hash: z.string(),
  sender: z.string(),
  type: z.string(),
  channel: z.string().nullable(),
  confirmed: z.boolean(),
  content: z.unknown(),
  item_content: z.string().nullable(),
  item_type: itemType,
  signature: z.string().nullable(),
  size: z.number().int().nonnegative(),
  time: z.number(),
  confirmations: z.array(messageConfirmationSchema),
  original_item_hash: z.string(),
  original_signature: z.string().nullable(),
  original_type: z.string(),
  hash: z.string(),
  address: z.string().nullable(),
  ref: z.unknown(),
});
export type ApiPost = z.infer<typeof apiPostSchema>;
