import type { MessagesTable } from '../store/tables.js';
import type { Filters } from './wsQuery.js';

type FilterColumns = Pick<
  MessagesTable,
  'item_hash' | 'sender' | 'owner' | 'channel' | 'chain' | 'ref' | 'type' | 'subtype'
>;

/** Whether a message passes a subscriber's filters (aleph: `addresses` matches the sender or the owner). */
export function matches(f: Filters, r: FilterColumns): boolean {
  const has = (list: string[] | undefined, v: string | null) => !list || (v != null && list.includes(v));
  return (
    (!f.addresses ||
      f.addresses.includes(r.sender.toLowerCase()) ||
      (r.owner != null && f.addresses.includes(r.owner.toLowerCase()))) &&
    has(f.channels, r.channel) &&
    has(f.chains, r.chain) &&
    has(f.refs, r.ref) &&
    has(f.types, r.type) &&
    has(f.subtypes, r.subtype) &&
    has(f.hashes, r.item_hash)
  );
}
