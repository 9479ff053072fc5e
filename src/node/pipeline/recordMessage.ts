import type { AlephError } from '../../errors.js';
import type { MessageEnvelope } from '../../protocol/index.js';
import type { Db } from '../store/queries.js';
import type { MessagesTable } from '../store/tables.js';

/** The row of a message as received; the apply step fills owner, content and height. */
export function baseRow(m: MessageEnvelope, receptionTime: number): MessagesTable {
  return {
    item_hash: m.item_hash,
    type: m.type,
    chain: m.chain,
    sender: m.sender,
    owner: null,
    channel: m.channel ?? null,
    time: m.time,
    item_type: m.item_type,
    item_content: m.item_content ?? null,
    signature: m.signature,
    content: m.item_type === 'inline' ? (m.item_content ?? null) : null,
    status: 'pending',
    error_code: null,
    details: null,
    reception_time: receptionTime,
    height: null,
    forgotten_by: null,
    ref: null,
    subtype: null,
    size: m.item_content?.length ?? 0,
    waiting_for: null,
  };
}

// A rejection or pending state never overwrites a message that was already accepted under the same hash.
async function upsertUnaccepted(db: Db, row: MessagesTable): Promise<void> {
  const { item_hash: _h, ...rest } = row;
  await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.column('item_hash').doUpdateSet(rest).where('messages.status', 'in', ['pending', 'rejected']))
    .execute();
}

/** Marks a message rejected with the rule that refused it; nothing else in the store changes. */
export async function recordRejection(db: Db, m: MessageEnvelope, err: AlephError, receptionTime: number): Promise<void> {
  await upsertUnaccepted(db, { ...baseRow(m, receptionTime), status: 'rejected', error_code: err.code, details: JSON.stringify(err.toJSON().details) });
}

/** Marks a message pending until the file it needs (its content, or a STORE's bytes) arrives. */
export async function recordPending(db: Db, m: MessageEnvelope, waitingFor: string, receptionTime: number): Promise<void> {
  await upsertUnaccepted(db, { ...baseRow(m, receptionTime), status: 'pending', waiting_for: waitingFor });
}
