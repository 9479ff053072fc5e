import type { Kysely, Migration } from 'kysely';

/**
 * 0007: program_rollouts (issue 10, DESIGN §9). One row per signed rollout plan (POST `aleph-rollout`); the plan
 * binds to the first edition accepted after it when that edition has the plan's checksum, so the row holds no
 * edition of its own. `ended_*` is set once, by the owner's promote or abort or by a trusted compute node's abort.
 * Kysely's schema builder only, so SQLite and PostgreSQL run the same step; every step may run again.
 */
export const rolloutsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('program_rollouts')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('planned_by', 'text', (c) => c.notNull())
      .addColumn('message_hash', 'text', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('time', 'real', (c) => c.notNull())
      .addColumn('ended_kind', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('ended_reason', 'text')
      .addColumn('ended_stats', 'text')
      .addColumn('ended_message_hash', 'text')
      .addColumn('ended_height', 'integer')
      .addColumn('ended_time', 'real')
      .execute();
    await db.schema
      .createIndex('program_rollouts_program')
      .ifNotExists()
      .on('program_rollouts')
      .columns(['program_id', 'id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('program_rollouts').ifExists().execute();
  },
};
