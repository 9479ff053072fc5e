import { sql, type Kysely, type Migration } from 'kysely';
import { columnsOf } from './dialect.js';

/**
 * 0005: time and height the sender cannot move, approvals bound to one upgrade, serving reports.
 *  - messages.block_height / block_time: the `block.height` and `block.timestamp` the ordered writer
 *    assigned (DESIGN §4), so a replay decides the same; `height` stays the processing order.
 *    Messages processed before this migration have neither (they were judged by the old rule).
 *  - program_approvals.edition: an approval counts for one candidate edition only (Sui's single-use
 *    UpgradeTicket). Approvals recorded before it named no edition; they are kept for the next
 *    edition of their program, which is what their signers were approving.
 *  - program_compute_reports: what a trusted compute node says it serves (issue 7, "serving truth").
 * SQLite's DDL is not run in a transaction by Kysely's migrator: every step may run again.
 */

export const blockTimeMigration: Migration = {
  async up(db: Kysely<any>) {
    const columns = await columnsOf(db, 'messages');
    if (!columns.has('block_height'))
      await db.schema.alterTable('messages').addColumn('block_height', 'integer').execute();
    if (!columns.has('block_time')) await db.schema.alterTable('messages').addColumn('block_time', 'real').execute();

    const approvalColumns = await columnsOf(db, 'program_approvals');
    if (!approvalColumns.has('edition')) {
      // Empty: a previous run dropped the old table before renaming the new one.
      if (approvalColumns.size > 0) {
        await db.schema.dropTable('program_approvals_v2').ifExists().execute();
        await db.schema
          .createTable('program_approvals_v2')
          .addColumn('program_id', 'text', (c) => c.notNull())
          .addColumn('edition', 'integer', (c) => c.notNull())
          .addColumn('checksum', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('message_hash', 'text', (c) => c.notNull())
          .addColumn('height', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('program_approvals_v2_pk', ['program_id', 'edition', 'checksum', 'address'])
          .execute();
        await sql`insert into program_approvals_v2 (program_id, edition, checksum, address, message_hash, height)
          select a.program_id, p.edition + 1, a.checksum, a.address, a.message_hash, a.height
          from program_approvals a join programs p on p.id = a.program_id`.execute(db);
        await db.schema.dropTable('program_approvals').execute();
      }
      await db.schema.alterTable('program_approvals_v2').renameTo('program_approvals').execute();
    }
    await db.schema
      .createIndex('program_approvals_message')
      .ifNotExists()
      .on('program_approvals')
      .columns(['message_hash'])
      .execute();

    await db.schema
      .createTable('program_compute_reports')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('reporter', 'text', (c) => c.notNull())
      .addColumn('serving_edition', 'integer')
      .addColumn('failed_edition', 'integer')
      .addColumn('reason', 'text')
      .addColumn('message_hash', 'text', (c) => c.notNull())
      .addColumn('time', 'real', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('program_compute_reports_program')
      .ifNotExists()
      .on('program_compute_reports')
      .columns(['program_id', 'id'])
      .execute();
  },
};
