import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { contentSchemas } from '../content/contentSchemas.js';
import { isAddress, toChecksumAddress } from '../signing/address.js';
import { isHashOfItemType } from './hashFormats.js';
import { itemHashOf } from './itemHash.js';
import { isJsonTooDeep, valueDepth } from '../json/jsonDepth.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parseLimits.js';
import {
  ITEM_TYPES,
  MAX_INLINE_CONTENT_CHARS,
  MESSAGE_TYPES,
  type MessageEnvelope,
  type ValidMessage,
} from './messageTypes.js';
import { schemaError } from './schemaError.js';

const envelopeSchema = z.strictObject({
  chain: z.string().min(1),
  sender: z.string().min(1),
  type: z.enum(MESSAGE_TYPES),
  channel: z.string().max(256).nullish(),
  time: z.number(),
  item_type: z.enum(ITEM_TYPES),
  item_content: z.string().nullish(),
  item_hash: z.string().min(1),
  signature: z.string().min(1),
  // aleph-message's dump carries the parsed `content` beside item_content (the Python SDK's add_file metadata);
  // pyaleph's AlephBaseMessage has the field and replaces it with item_content's. Checked, never stored.
  content: z.unknown().optional(),
});

/** What the checks compare against: the node's limits and its clock at reception (unix seconds). */
export interface ParseOptions {
  limits?: ParseLimits;
  now?: number;
}

/**
 * A signed `time` must be a real moment, not far in the future: listings sort by it, so `time: 1e300` would
 * pin a message to the top of every listing forever. The past is open (old messages replay).
 */
function assertTime(prefix: 'MESSAGE' | 'CONTENT', field: string, time: number, opts: ParseOptions): void {
  const limits = opts.limits ?? DEFAULT_PARSE_LIMITS;
  const now = opts.now ?? Date.now() / 1000;
  if (!Number.isFinite(time) || time < 0) {
    throw new AlephError(`${prefix}_TIME_INVALID`, `${field} must be a unix time in seconds, at or after 0`, {
      hint: 'set time to the current unix time in seconds',
      details: { field, time },
    });
  }
  if (time > now + limits.maxFutureSeconds) {
    throw new AlephError(
      `${prefix}_TIME_IN_FUTURE`,
      `${field} is ${Math.round(time - now)} s ahead of this node's clock (at most ${limits.maxFutureSeconds} s allowed)`,
      {
        hint: 'sign with the current time; check the clock of the signing machine',
        details: { field, time, node_time: now, max_future_seconds: limits.maxFutureSeconds },
      },
    );
  }
}

/**
 * The envelope's strings and the content's top-level ones become text columns (channel, sender, a POST's type, an
 * aggregate's key, ref…): PostgreSQL refuses U+0000 in text where SQLite stores it, so a NUL there would be a 500 on
 * one store and a verdict on the other. Refused on both, naming the field. Nested values stay JSON text (escaped).
 */
function assertNoNul(prefix: 'MESSAGE' | 'CONTENT', what: string, fields: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || !value.includes('\u0000')) continue;
    throw new AlephError(`${prefix}_INVALID`, `${what}: field "${field}" must not contain U+0000 (NUL)`, {
      hint: 'remove the NUL character from the field',
      details: { field, issue: 'nul' },
    });
  }
}

/** Checks the envelope of an untrusted message (shape only; content and signature come later). */
export function parseEnvelope(putativeMessage: unknown, opts: ParseOptions = {}): MessageEnvelope {
  const r = envelopeSchema.safeParse(putativeMessage);
  if (!r.success) throw schemaError('MESSAGE', 'message', r.error);
  const m = r.data as MessageEnvelope;
  const { item_content: _text, content: _claimed, ...columns } = r.data;
  assertNoNul('MESSAGE', 'message', columns);
  // The item hash names a file for storage/ipfs messages: anything but a hash would be a path into the node.
  if (!isHashOfItemType(m.item_type, m.item_hash)) {
    throw new AlephError(
      'MESSAGE_ITEM_HASH_INVALID',
      `item_hash of a ${m.item_type} message must be ${m.item_type === 'ipfs' ? 'an IPFS CID' : 'a 64-hex sha256'}`,
      {
        hint: 'send the hash the SDK computed, unchanged',
        details: { field: 'item_hash', item_type: m.item_type },
      },
    );
  }
  assertTime('MESSAGE', 'time', m.time, opts);
  if (m.chain !== 'ETH') {
    throw new AlephError('MESSAGE_CHAIN_UNSUPPORTED', `chain ${m.chain} is not supported by this node`, {
      hint: 'sign with an Ethereum key (chain "ETH")',
      details: { chain: m.chain },
    });
  }
  if (!isAddress(m.sender)) {
    throw new AlephError('MESSAGE_FIELD_TYPE', 'message: field "sender" must be an Ethereum address', {
      details: { field: 'sender' },
    });
  }
  if (m.item_type === 'inline') {
    if (typeof m.item_content !== 'string') {
      throw new AlephError('MESSAGE_CONTENT_MISSING', 'inline message without item_content', {
        details: { field: 'item_content' },
      });
    }
    if (m.item_content.length > MAX_INLINE_CONTENT_CHARS) {
      throw new AlephError(
        'MESSAGE_CONTENT_TOO_LARGE',
        `inline content is ${m.item_content.length} characters, over the ${MAX_INLINE_CONTENT_CHARS} limit`,
        {
          hint: 'store large content as a file and send the message with item_type "storage"',
          details: { size: m.item_content.length, max: MAX_INLINE_CONTENT_CHARS },
        },
      );
    }
    const actual = itemHashOf(m.item_content);
    if (actual !== m.item_hash) {
      throw new AlephError('MESSAGE_HASH_MISMATCH', 'item_hash is not the sha256 of item_content', {
        hint: 'hash the exact item_content string, without re-serializing it',
        details: { item_hash: m.item_hash, computed: actual },
      });
    }
    assertContentMatches(m.item_content, (m as { content?: unknown }).content, opts);
  } else if (m.item_content != null) {
    throw new AlephError('MESSAGE_INVALID', `a ${m.item_type} message must not carry item_content`, {
      details: { field: 'item_content' },
    });
  }
  // storage/ipfs: pyaleph fetches the content by its hash and ignores any claim; so does this node.
  delete (m as { content?: unknown }).content;
  return m;
}

/** A `content` sent beside inline item_content must be that content, or the message says two things. */
function assertContentMatches(itemContent: string, claimed: unknown, opts: ParseOptions): void {
  if (claimed == null) return;
  const { maxJsonDepth } = opts.limits ?? DEFAULT_PARSE_LIMITS;
  // Too deep: parseContent refuses item_content with its own code; a deep claim is refused here before it is walked.
  if (isJsonTooDeep(itemContent, maxJsonDepth)) return;
  let same = false;
  try {
    same = valueDepth(claimed, maxJsonDepth + 1) <= maxJsonDepth && isDeepStrictEqual(JSON.parse(itemContent), claimed);
  } catch {
    same = false; // item_content that is not JSON is parseContent's to refuse; it cannot equal a claim either
  }
  if (!same) {
    throw new AlephError('MESSAGE_CONTENT_MISMATCH', "the message's content differs from its item_content", {
      hint: 'send content equal to JSON.parse(item_content), or leave content out',
      details: { field: 'content' },
    });
  }
}

/**
 * Parses and checks the content of an envelope whose item_content is known (inline, or fetched from storage).
 * The returned content has schema defaults applied and an EIP-55 `address` (defaulting to the sender).
 */
export function parseContent(envelope: MessageEnvelope, itemContent: string, opts: ParseOptions = {}): ValidMessage {
  const { maxJsonDepth } = opts.limits ?? DEFAULT_PARSE_LIMITS;
  // Before JSON.parse: a deep value must never be built, stored, or walked by zod or JSON.stringify.
  if (isJsonTooDeep(itemContent, maxJsonDepth)) {
    throw new AlephError('MESSAGE_CONTENT_TOO_DEEP', `item_content nests deeper than ${maxJsonDepth} levels`, {
      hint: `flatten the content: at most ${maxJsonDepth} levels of objects and arrays`,
      details: { field: 'item_content', max_depth: maxJsonDepth },
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(itemContent);
  } catch {
    throw new AlephError('CONTENT_MALFORMED_JSON', 'item_content is not valid JSON', {
      hint: 'item_content must be a JSON object serialized as a string',
    });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AlephError('CONTENT_FIELD_TYPE', 'item_content must be a JSON object', {
      details: { field: '(root)', expected: 'object' },
    });
  }
  const r = contentSchemas[envelope.type].safeParse(raw);
  if (!r.success) throw schemaError('CONTENT', `${envelope.type} content`, r.error);
  const content = r.data as Record<string, unknown> & { address?: string; time: number };
  assertNoNul('CONTENT', `${envelope.type} content`, content);
  assertTime('CONTENT', 'content.time', content.time, opts);
  const sender = toChecksumAddress(envelope.sender);
  const address = content.address ? toChecksumAddress(content.address) : sender;
  return { envelope, sender, itemContent, content: { ...content, address } };
}
