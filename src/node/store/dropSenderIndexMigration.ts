import type { Kysely, Migration } from 'kysely';

/**
 * 0006: messages_sender (sender) goes. Since 0004 every sender filter reads messages_sender_lc (lower(sender),
 * status), and no query compares `sender` itself, so the index was one more b-tree insert per ingested message
 * for nothing (ingest is bounded by the writer; issue 13 measured it below half of raw signature recovery).
 */
export const dropSenderIndexMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('messages_sender').ifExists().execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.createIndex('messages_sender').ifNotExists().on('messages').columns(['sender']).execute();
  },
};
