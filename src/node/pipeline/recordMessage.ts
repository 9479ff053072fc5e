import type { ExpressionBuilder } from 'kysely';
import { AlephError } from '../../errors.js';
import type { MessageEnvelope } from '../../protocol/index.js';
import type { Db } from '../store/queries.js';
import type { Database, MessagesTable } from '../store/tables.js';

/** How much of a refused message the store keeps, by default: its envelope fields and details, each cut here. */
export const DEFAULT_REJECTED_CONTENT_CHARS = 4096;

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

/**
 * Whether the stored row holds exactly this envelope. The signature covers only chain, sender, type and
 * item_hash, so anyone can sign an envelope that claims another message's item_hash.
 */
function holdsEnvelope(eb: ExpressionBuilder<Database, 'messages'>, m: MessageEnvelope) {
  const nullable = (col: 'messages.channel' | 'messages.item_content', v: string | null | undefined) =>
    v == null ? eb(col, 'is', null) : eb(col, '=', v);
  return eb.and([
    eb('messages.chain', '=', m.chain),
    eb('messages.sender', '=', m.sender),
    eb('messages.type', '=', m.type),
    eb('messages.time', '=', m.time),
    eb('messages.item_type', '=', m.item_type),
    eb('messages.signature', '=', m.signature),
    nullable('messages.channel', m.channel),
    nullable('messages.item_content', m.item_content),
  ]);
}

/** The same test in JS, for a row already read. */
export function sameEnvelope(row: MessagesTable, m: MessageEnvelope): boolean {
  return (
    row.chain === m.chain &&
    row.sender === m.sender &&
    row.type === m.type &&
    row.time === m.time &&
    row.item_type === m.item_type &&
    row.signature === m.signature &&
    row.channel === (m.channel ?? null) &&
    row.item_content === (m.item_content ?? null)
  );
}

/** A refused envelope's field as the row keeps it: cut, and with U+0000 (which PostgreSQL's text refuses) replaced. */
const cut = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s).replaceAll('\u0000', '\uFFFD');

/**
 * Marks a message rejected with the rule that refused it; nothing else in the store changes. The row keeps
 * the envelope and details cut to `maxChars` each and never the content: a refusal is free to send, so it
 * must cost the node little to remember. It replaces an earlier refusal, or a pending row of this very
 * envelope (its file arrived and was refused), never another sender's pending message under the same hash.
 */
export async function recordRejection(
  db: Db,
  m: MessageEnvelope,
  err: AlephError,
  receptionTime: number,
  maxChars = DEFAULT_REJECTED_CONTENT_CHARS,
): Promise<void> {
  const details = JSON.stringify(err.toJSON().details);
  // Every query below sees the kept form: a NUL would fail even a comparison on PostgreSQL.
  const kept: MessageEnvelope = {
    ...m,
    chain: cut(m.chain, maxChars),
    sender: cut(m.sender, maxChars),
    type: cut(m.type, maxChars) as MessageEnvelope['type'],
    signature: cut(m.signature, maxChars),
    channel: m.channel == null ? null : cut(m.channel, maxChars),
    item_content: m.item_content == null ? null : cut(m.item_content, maxChars),
  };
  const row: MessagesTable = {
    ...baseRow(kept, receptionTime),
    content: null,
    status: 'rejected',
    error_code: err.code,
    details:
      details.length > maxChars ? JSON.stringify({ message: cut(err.message, maxChars), truncated: true }) : details,
  };
  const { item_hash: _h, ...rest } = row;
  await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('item_hash')
        .doUpdateSet(rest)
        .where((eb) =>
          eb.or([
            eb('messages.status', '=', 'rejected'),
            eb.and([eb('messages.status', '=', 'pending'), holdsEnvelope(eb, kept)]),
          ]),
        ),
    )
    .execute();
}

/**
 * Marks a message pending until the file it needs (its content, or a STORE's bytes) arrives. Only a
 * message whose signature verified gets here. It takes the place of a refusal under its hash, never of a
 * different pending envelope: that one was first, and is what will be processed when the file comes.
 */
export async function recordPending(
  db: Db,
  m: MessageEnvelope,
  waitingFor: string,
  receptionTime: number,
): Promise<void> {
  const row: MessagesTable = { ...baseRow(m, receptionTime), status: 'pending', waiting_for: waitingFor };
  const { item_hash: _h, ...rest } = row;
  await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.column('item_hash').doUpdateSet(rest).where('messages.status', '=', 'rejected'))
    .execute();
  const now = await db.selectFrom('messages').selectAll().where('item_hash', '=', m.item_hash).executeTakeFirst();
  if (now?.status === 'pending' && !sameEnvelope(now, m)) throw hashConflict(m.item_hash);
}

/** A second, different envelope claims the item_hash of a message the node already holds as pending. */
export function hashConflict(itemHash: string, state: 'pending' | 'processed' = 'pending'): AlephError {
  return new AlephError(
    'MESSAGE_HASH_CONFLICT',
    `another envelope with item_hash ${itemHash} is already ${state} on this node`,
    {
      hint:
        state === 'pending'
          ? 'a pending message is never replaced: send the exact envelope that is pending, or wait for it to be processed'
          : "this content was already published by another sender: a message is its sender's, sign content of your own",
      details: { item_hash: itemHash },
    },
  );
}
