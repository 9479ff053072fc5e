import { isAddress, toChecksumAddress } from '../../protocol/index.js';
import type { MessagesTable } from '../store/tables.js';

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
    content: r.status === 'forgotten' || r.content == null ? null : JSON.parse(r.content),
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
      return { ...base, message: formatMessage(r), error_code: r.error_code, details: r.details ? JSON.parse(r.details) : null };
    case 'forgotten':
      return { ...base, message: formatMessage(r), forgotten_by: JSON.parse(r.forgotten_by ?? '[]') };
    default:
      return { ...base, message: formatMessage(r) };
  }
}

/** Splits aleph's comma-separated list parameters. */
export function listParam(v: unknown): string[] | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** aleph pagination: `pagination` items per page (0 = all), 1-based `page`. */
export function pageParams(q: Record<string, unknown>, defaultPerPage = 20): { perPage: number; page: number } {
  const perPage = Math.max(0, Math.min(10_000, Number(q.pagination ?? defaultPerPage) || 0));
  const page = Math.max(1, Number(q.page ?? 1) || 1);
  return { perPage: q.pagination === undefined ? defaultPerPage : perPage, page };
}

/**
 * Owner filters: owners are stored EIP-55 checksummed, so compare in that form and let the owner index serve
 * the query (lower(owner) could not use it). A value that is not an address matches nothing.
 */
export function ownerParam(v: unknown): string[] | undefined {
  return listParam(v)?.map((a) => (isAddress(a) ? toChecksumAddress(a) : a));
}
