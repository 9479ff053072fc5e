import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { contentSchemas } from '../content/contentSchemas.js';
import { isAddress, toChecksumAddress } from '../signing/address.js';
import { itemHashOf } from './itemHash.js';
import { ITEM_TYPES, MAX_INLINE_CONTENT_CHARS, MESSAGE_TYPES, type MessageEnvelope, type ValidMessage } from './messageTypes.js';
import { schemaError } from './schemaError.js';

const envelopeSchema = z.strictObject({
  chain: z.string().min(1),
  sender: z.string().min(1),
  type: z.enum(MESSAGE_TYPES),
  channel: z.string().nullish(),
  time: z.number(),
  item_type: z.enum(ITEM_TYPES),
  item_content: z.string().nullish(),
  item_hash: z.string().min(1),
  signature: z.string().min(1),
});

/** Checks the envelope of an untrusted message (shape only; content and signature come later). */
export function parseEnvelope(putativeMessage: unknown): MessageEnvelope {
  const r = envelopeSchema.safeParse(putativeMessage);
  if (!r.success) throw schemaError('MESSAGE', 'message', r.error);
  const m = r.data as MessageEnvelope;
  if (m.chain !== 'ETH') {
    throw new AlephError('MESSAGE_CHAIN_UNSUPPORTED', `chain ${m.chain} is not supported by this node`, {
      hint: 'sign with an Ethereum key (chain "ETH")',
      details: { chain: m.chain },
    });
  }
  if (!isAddress(m.sender)) {
    throw new AlephError('MESSAGE_FIELD_TYPE', 'message: field "sender" must be an Ethereum address', { details: { field: 'sender' } });
  }
  if (m.item_type === 'inline') {
    if (typeof m.item_content !== 'string') {
      throw new AlephError('MESSAGE_CONTENT_MISSING', 'inline message without item_content', { details: { field: 'item_content' } });
    }
    if (m.item_content.length > MAX_INLINE_CONTENT_CHARS) {
      throw new AlephError('MESSAGE_CONTENT_TOO_LARGE', `inline content is ${m.item_content.length} characters, over the ${MAX_INLINE_CONTENT_CHARS} limit`, {
        hint: 'store large content as a file and send the message with item_type "storage"',
        details: { size: m.item_content.length, max: MAX_INLINE_CONTENT_CHARS },
      });
    }
    const actual = itemHashOf(m.item_content);
    if (actual !== m.item_hash) {
      throw new AlephError('MESSAGE_HASH_MISMATCH', 'item_hash is not the sha256 of item_content', {
        hint: 'hash the exact item_content string, without re-serializing it',
        details: { item_hash: m.item_hash, computed: actual },
      });
    }
  } else if (m.item_content != null) {
    throw new AlephError('MESSAGE_INVALID', `a ${m.item_type} message must not carry item_content`, { details: { field: 'item_content' } });
  }
  return m;
}

/**
 * Parses and checks the content of an envelope whose item_content is known (inline, or fetched from storage).
 * The returned content has schema defaults applied and an EIP-55 `address` (defaulting to the sender).
 */
export function parseContent(envelope: MessageEnvelope, itemContent: string): ValidMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(itemContent);
  } catch {
    throw new AlephError('CONTENT_MALFORMED_JSON', 'item_content is not valid JSON', { hint: 'item_content must be a JSON object serialized as a string' });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AlephError('CONTENT_FIELD_TYPE', 'item_content must be a JSON object', { details: { field: '(root)', expected: 'object' } });
  }
  const r = contentSchemas[envelope.type].safeParse(raw);
  if (!r.success) throw schemaError('CONTENT', `${envelope.type} content`, r.error);
  const content = r.data as Record<string, unknown> & { address?: string; time: number };
  const sender = toChecksumAddress(envelope.sender);
  const address = content.address ? toChecksumAddress(content.address) : sender;
  return { envelope, sender, itemContent, content: { ...content, address } };
}
