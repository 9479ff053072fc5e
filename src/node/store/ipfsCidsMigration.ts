import type { Kysely, Migration } from 'kysely';

/**
 * 0007: ipfs_cids maps a kubo CID to the sha256 under which the node keeps the bytes. Files stay addressed by
 * sha256 (programs, checksums and the compute node name them so); a CID is one more name for a stored file.
 */
export const ipfsCidsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('ipfs_cids')
      .addColumn('cid', 'text', (c) => c.primaryKey())
      .addColumn('file_hash', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ipfs_cids_file').on('ipfs_cids').columns(['file_hash']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('ipfs_cids').ifExists().execute();
  },
};
