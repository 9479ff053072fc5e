import type { Kysely, Migration } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * 0007: on PostgreSQL the files themselves live in the store (DESIGN §7: where every core node reaches them),
 * as 1 MiB chunks of a content-addressed file; each node's disk is a cache (files/sharedFiles). A file's chunks
 * are written in one transaction, so chunk 0 present means the file is whole. SQLite keeps files on its disk.
 */
export const fileChunksMigration: Migration = {
  async up(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    await db.schema
      .createTable('file_chunks')
      .ifNotExists()
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('data', 'bytea', (c) => c.notNull())
      .addPrimaryKeyConstraint('file_chunks_pk', ['hash', 'seq'])
      .execute();
  },
};
