import { isAddress, MAX_JSON_DEPTH_CEILING, parseJsonWithin, toChecksumAddress } from '../../protocol/index.js';
import type { AlephMessage, MessageWithStatus } from '../../protocol/api/messageSchemas.js';
import type { MessagesTable } from '../store/tables.js';

/**
 * Stored content parsed for display, or null when it cannot be shown safely: a store written by an older
 * node may hold content nested thousands of levels deep, which JSON.stringify (Fastify's reply, the
 * websocket fan-out) would overflow the stack on. Such a message is still listed, with `content: null`
 * (its raw `item_content` string is still there for whoever wants it).
 */
export function parseStoredJson(text: string | null | undefined): unknown {
  return parseJsonWithin(text, MAX_JSON_DEPTH_CEILING);
}

/** `reception_time` as pydantic serializes pyaleph's datetime: ISO 8601, UTC. */
export function isoReceptionTime(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

const envelopeOf = (r: MessagesTable) => ({
  sender: r.sender,
  chain: r.chain,
  signature: r.signature,
  type: r.type as AlephMessage['type'],
  item_content: r.item_type === 'inline' ? r.item_content : null,
  item_type: r.item_type as AlephMessage['item_type'],
  item_hash: r.item_hash,
  time: r.time,
  channel: r.channel,
});

/**
 * A processed message exactly as pyaleph shapes it (schemas/api/messages.py `BaseMessage`; listings and the
 * websocket add `size`, as `message_to_dict` does): only aleph-message's fields, which the Python SDK forbids
 * going beyond. `reception_time` is the status object's, never the message's.
 */
export function formatMessage(r: MessagesTable, opts: { size?: boolean } = {}): AlephMessage {
  return {
    ...envelopeOf(r),
    content: parseStoredJson(r.content),
    confirmed: false,
    confirmations: [],
    ...(opts.size ? { size: r.size } : {}),
  } as AlephMessage;
}

/** A listing's message (`GET /messages.json`, websocket): pyaleph's `message_to_dict`, with `size`. */
export const formatListedMessage = (r: MessagesTable): AlephMessage => formatMessage(r, { size: true });

/** aleph's GET /messages/{hash} shape for each status (pyaleph `MessageWithStatus`). */
export function formatMessageStatus(r: MessagesTable): MessageWithStatus {
  const base = { item_hash: r.item_hash, reception_time: isoReceptionTime(r.reception_time) };
  switch (r.status) {
    case 'pending': {
      const content = parseStoredJson(r.content ?? (r.item_type === 'inline' ? r.item_content : null));
      const pending = {
        ...envelopeOf(r),
        content: isRecord(content) ? content : null,
        reception_time: base.reception_time,
      };
      return { ...base, status: 'pending', messages: [pending] };
    }
    case 'rejected':
      return {
        ...base,
        status: 'rejected',
        message: envelopeOf(r),
        error_code: r.error_code ?? 'UNKNOWN',
        details: parseStoredJson(r.details),
      };
    case 'forgotten': {
      const { item_content: _dropped, ...envelope } = envelopeOf(r);
      const message = { ...envelope, owner: r.owner, payment_type: null, size: r.size, forgotten_at: null };
      return { ...base, status: 'forgotten', message, forgotten_by: asStrings(parseStoredJson(r.forgotten_by)) };
    }
    default:
      return { ...base, status: 'processed', message: formatMessage(r) };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asStrings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/**
 * Splits aleph's comma-separated list parameters, for the websocket's filters (its query has no schema yet);
 * HTTP routes parse their query with the schemas of protocol/api instead.
 */
export function listParam(v: unknown): string[] | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Owners are stored EIP-55 checksummed, so compare in that form and let the owner index serve the query. */
export function checksummed(addresses: string[] | undefined): string[] | undefined {
  return addresses?.map((a) => (isAddress(a) ? toChecksumAddress(a) : a));
}
