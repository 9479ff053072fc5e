import { sql, type Kysely, type Migration } from 'kysely';
import { governanceMigration } from './governanceMigration.js';
import { partialIndexesMigration } from './partialIndexesMigration.js';
import { listingIndexesMigration } from './listingIndexesMigration.js';
import { blockTimeMigration } from './blockTimeMigration.js';
import { dropSenderIndexMigration } from './dropSenderIndexMigration.js';
import { ipfsCidsMigration } from './ipfsCidsMigration.js';
import { computeNodesMigration } from './computeNodesMigration.js';
import { rolloutsMigration } from './rolloutsMigration.js';
import { fileChunksMigration } from './fileChunksMigration.js';

/** Schema changes, in order; never edit a shipped one, add the next. */
export const migrations: Record<string, Migration> = {
  '0001_messages': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('messages')
        .addColumn('item_hash', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('chain', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('channel', 'text')
        .addColumn('time', 'real', (c) => c.notNull())
        .addColumn('item_type', 'text', (c) => c.notNull())
        .addColumn('item_content', 'text')
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('content', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('details', 'text')
        .addColumn('reception_time', 'real', (c) => c.notNull())
        .addColumn('height', 'integer')
        .addColumn('forgotten_by', 'text')
        .addColumn('ref', 'text')
        .addColumn('subtype', 'text')
        .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('waiting_for', 'text')
        .execute();
      await db.schema.createIndex('messages_height').on('messages').columns(['height']).execute();
      await db.schema.createIndex('messages_owner').on('messages').columns(['owner', 'type']).execute();
      await db.schema.createIndex('messages_sender').on('messages').columns(['sender']).execute();
      await db.schema.createIndex('messages_ref').on('messages').columns(['ref']).execute();
      await db.schema.createIndex('messages_waiting').on('messages').columns(['waiting_for']).execute();
      await db.schema.createIndex('messages_status_type').on('messages').columns(['status', 'type']).execute();

      await db.schema
        .createTable('files')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('created', 'real', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stores')
        .addColumn('item_hash', 'text', (c) => c.primaryKey())
        .addColumn('original', 'text', (c) => c.notNull())
        .addColumn('file_hash', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('stores_original').on('stores').columns(['original', 'height']).execute();
      await db.schema.createIndex('stores_file').on('stores').columns(['file_hash']).execute();
      await db.schema
        .createTable('aggregates')
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('aggregates_pk', ['address', 'key'])
        .execute();
      await db.schema
        .createTable('programs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('current_hash', 'text', (c) => c.notNull())
        .addColumn('edition', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_height', 'integer', (c) => c.notNull())
        .addColumn('updated_height', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('programs_owner').on('programs').columns(['owner']).execute();
      await db.schema
        .createTable('program_refs')
        .addColumn('program_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('mount', 'text', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('original', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('file_hash', 'text', (c) => c.notNull())
        .addColumn('use_latest', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('program_refs_pk', ['program_id', 'kind', 'mount'])
        .execute();
      await db.schema
        .createIndex('program_refs_original')
        .on('program_refs')
        .columns(['original', 'use_latest'])
        .execute();
      await db.schema.createIndex('program_refs_version').on('program_refs').columns(['version']).execute();
      await db.schema.createIndex('program_refs_ref').on('program_refs').columns(['ref']).execute();
      await db.schema
        .createTable('ref_aliases')
        .addColumn('alias', 'text', (c) => c.primaryKey())
        .addColumn('target', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into meta (key, value) values ('height', '0')`.execute(db);
    },
  },
  '0002_governance': governanceMigration,
  '0003_partial_indexes': partialIndexesMigration,
  '0004_listing_indexes': listingIndexesMigration,
  '0005_block_time': blockTimeMigration,
  '0006_drop_sender_index': dropSenderIndexMigration,
  '0007_ipfs_cids': ipfsCidsMigration,
  '0008_compute_nodes': computeNodesMigration,
  '0009_rollouts': rolloutsMigration,
  '0010_file_chunks': fileChunksMigration,
};
