import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** Whether `db` (a store, a transaction of one, or the migrator's handle) talks to PostgreSQL rather than SQLite. */
// biome-ignore lint/suspicious/noExplicitAny: migrations hand their db as Kysely<any> (they must not see today's schema)
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The columns of a table, generated ones included (empty when the table does not exist). */
// biome-ignore lint/suspicious/noExplicitAny: as above
export async function columnsOf(db: Kysely<any>, table: string): Promise<Set<string>> {
  const rows = isPostgres(db)
    ? await sql<{ name: string }>`select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table}`.execute(db)
    : await sql<{ name: string }>`select name from pragma_table_xinfo(${table})`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}
