import type { Kysely, Migration } from 'kysely';

/**
 * 0002: the governance record (DESIGN §2 "our additions", §3, §4). Editions and refusals are
 * append-only history; pending rows change status once (applied, cancelled or refused); approvals are
 * signed votes for a candidate checksum (`@multisig`). Programs deployed before this migration get
 * their edition record lazily, the first time governance reads them.
 */
export const governanceMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('program_editions')
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('edition', 'integer', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('message_hash', 'text', (c) => c.notNull())
      .addColumn('cause_kind', 'text', (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('program_owner', 'text', (c) => c.notNull())
      .addColumn('time', 'real', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('resolved', 'text', (c) => c.notNull())
      .addColumn('refs', 'text', (c) => c.notNull())
      .addColumn('manifest', 'text')
      .addColumn('source_hashes', 'text', (c) => c.notNull())
      .addColumn('upgrade_policy', 'text')
      .addPrimaryKeyConstraint('program_editions_pk', ['program_id', 'edition'])
      .execute();
    await db.schema.createIndex('program_editions_message').on('program_editions').columns(['message_hash']).execute();

    await db.schema
      .createTable('program_refusals')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('message_hash', 'text', (c) => c.notNull())
      .addColumn('cause_kind', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text', (c) => c.notNull())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('time', 'real', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('program_refusals_program')
      .on('program_refusals')
      .columns(['program_id', 'id'])
      .execute();
    await db.schema.createIndex('program_refusals_message').on('program_refusals').columns(['message_hash']).execute();

    await db.schema
      .createTable('program_pending')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('message_hash', 'text', (c) => c.notNull())
      .addColumn('cause_kind', 'text', (c) => c.notNull())
      .addColumn('candidate', 'text', (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('program_owner', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('time', 'real', (c) => c.notNull())
      .addColumn('announced_height', 'integer', (c) => c.notNull())
      .addColumn('effective_height', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('settled_height', 'integer')
      .addColumn('settled_by', 'text')
      .execute();
    await db.schema
      .createIndex('program_pending_due')
      .on('program_pending')
      .columns(['status', 'effective_height', 'id'])
      .execute();
    await db.schema
      .createIndex('program_pending_program')
      .on('program_pending')
      .columns(['program_id', 'id'])
      .execute();
    await db.schema.createIndex('program_pending_message').on('program_pending').columns(['message_hash']).execute();

    await db.schema
      .createTable('program_approvals')
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('message_hash', 'text', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('program_approvals_pk', ['program_id', 'checksum', 'address'])
      .execute();
    await db.schema
      .createIndex('program_approvals_message')
      .on('program_approvals')
      .columns(['message_hash'])
      .execute();
  },
};
