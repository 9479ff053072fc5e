import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 0003: indexes on columns that are NULL for most messages become partial (`WHERE col IS NOT NULL`), so the
 * common message (no ref, not waiting for a file) costs no entry in them. Every query that uses them
 * compares the column (`=` / `IN`), which implies IS NOT NULL, so SQLite still picks them.
 *  - messages_ref: only amends (POST, STORE) and PROGRAM replacements have a ref (posts.json amends
 *    lookup, the `refs` filter of messages.json and posts.json).
 *  - messages_waiting: only pending messages wait for a file (retryWaitingFor).
 * SQLite's DDL is not run in a transaction by Kysely's migrator: `if exists` lets a migration interrupted
 * between a drop and its create run again.
 */
export const partialIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('messages_ref').ifExists().execute();
    await db.schema
      .createIndex('messages_ref')
      .on('messages')
      .columns(['ref'])
      .where(sql.ref('ref'), 'is not', null)
      .execute();
    await db.schema.dropIndex('messages_waiting').ifExists().execute();
    await db.schema
      .createIndex('messages_waiting')
      .on('messages')
      .columns(['waiting_for'])
      .where(sql.ref('waiting_for'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('messages_ref').ifExists().execute();
    await db.schema.createIndex('messages_ref').on('messages').columns(['ref']).execute();
    await db.schema.dropIndex('messages_waiting').ifExists().execute();
    await db.schema.createIndex('messages_waiting').on('messages').columns(['waiting_for']).execute();
  },
};
