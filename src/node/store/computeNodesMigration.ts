import type { Kysely, Migration } from 'kysely';

/**
 * 0007: the compute fleet's registrations (issue 9). Not part of the ordered state: heartbeats bypass the
 * message log (they must not move `block.height`), so a node replaying the log never rebuilds this table, and it
 * need not: a compute node that is alive beats again within a second. Plain schema-builder types, so the same
 * migration runs on SQLite and PostgreSQL.
 */
export const computeNodesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('compute_nodes')
      .addColumn('address', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      // The heartbeat's own signed time: a replayed older beat never moves a node back to an older url.
      .addColumn('signed_time', 'double precision', (c) => c.notNull())
      // The core node's clock, which alone decides liveness (a compute node's clock may be off).
      .addColumn('first_seen', 'double precision', (c) => c.notNull())
      .addColumn('last_seen', 'double precision', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('compute_nodes').ifExists().execute();
  },
};
