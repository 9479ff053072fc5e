import { sql, type Kysely, type Migration } from 'kysely';
import { columnsOf, isPostgres } from './dialect.js';

/**
 * 0004: indexes for messages.json. The `addresses` filter of messages.json compares senders case-insensitively (a sender may arrive
 * lower-case or checksummed). `lower(sender) = ?` OR-ed per address scanned every row (300 addresses: 1.2 s a
 * request). `sender_lc` is lower(sender), computed by SQLite (a virtual column: no writer has to fill it, no
 * row grows), and its index serves `sender_lc IN (…)`.
 */
export const listingIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    // ALTER TABLE can add only VIRTUAL generated columns; `if not exists` has no column form, hence the check.
    // PostgreSQL has only STORED generated columns (computed on write there, read from the row).
    if (!(await columnsOf(db, 'messages')).has('sender_lc')) {
      await (isPostgres(db)
        ? sql`alter table messages add column sender_lc text generated always as (lower(sender)) stored`
        : sql`alter table messages add column sender_lc text generated always as (lower(sender)) virtual`
      ).execute(db);
    }
    // With status in the index the planner prefers it over messages_status_type even before any ANALYZE.
    await db.schema
      .createIndex('messages_sender_lc')
      .ifNotExists()
      .on('messages')
      .columns(['sender_lc', 'status'])
      .execute();
    // messages.json orders by time then height: without this, every listing sorted all processed messages
    // (a temp b-tree per request) before taking its page. Not led by status, so that queries on a status and
    // another indexed column (retryWaitingFor: pending + waiting_for) keep their own index.
    await db.schema.createIndex('messages_time').ifNotExists().on('messages').columns(['time', 'height']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('messages_time').ifExists().execute();
    await db.schema.dropIndex('messages_sender_lc').ifExists().execute();
    await sql`alter table messages drop column sender_lc`.execute(db);
  },
};
