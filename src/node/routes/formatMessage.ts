import { isAddress, MAX_JSON_DEPTH_CEILING, parseJsonWithin, toChecksumAddress } from '../../protocol/index.js';
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

/** A message as aleph's v0 API shows it: the envelope plus its parsed `content`. */
export function formatMessage(r: MessagesTable): Record<string, unknown> {
  return {
    chain: r.chain,
    sender: r.sender,
    type: r.type,
    channel: r.channel,
    confirmed: false,
    confirmations: [],
    signature: r.signature,
    size: r.size,
    time: r.time,
    item_type: r.item_type,
    item_content: r.item_type === 'inline' ? r.item_content : null,
    item_hash: r.item_hash,
    content: r.status === 'forgotten' ? null : parseStoredJson(r.content),
    reception_time: r.reception_time,
  };
}

/** aleph's GET /messages/{hash} shape for each status. */
export function formatMessageStatus(r: MessagesTable): Record<string, unknown> {
  const base = { status: r.status, item_hash: r.item_hash, reception_time: r.reception_time };
  switch (r.status) {
    case 'pending':
      return { ...base, messages: [formatMessage(r)] };
    case 'rejected':
      return { ...base, message: formatMessage(r), error_code: r.error_code, details: parseStoredJson(r.details) };
    case 'forgotten':
      return { ...base, message: formatMessage(r), forgotten_by: parseStoredJson(r.forgotten_by) ?? [] };
    default:
      return { ...base, message: formatMessage(r) };
  }
}

/**
 * Splits aleph's comma-separated list parameters, for the websocket's filters (its query has no schema yet);
 * HTTP routes parse their query with the schemas of protocol/api instead.
 */
export function listParam(v: unknown): string[] | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Owners are stored EIP-55 checksummed, so compare in that form and let the owner index serve the query. */
export function checksummed(addresses: string[] | undefined): string[] | undefined {
  return addresses?.map((a) => (isAddress(a) ? toChecksumAddress(a) : a));
}
