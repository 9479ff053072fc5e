import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { AlephError } from '../../errors.js';
import { migrations } from './migrations.js';
import type { Database } from './tables.js';

export type Store = Kysely<Database>;

/**
 * Kysely's SQLite driver prepares every statement on every execution; preparing was the largest single cost
 * of ingest. Statements are reusable, so keep them by SQL text (bounded: IN-lists make the text vary).
 */
function withStatementCache(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (!stmt) {
          if (cache.size >= 2000) cache.clear();
          stmt = prepare(sql);
          cache.set(sql, stmt);
        }
        return stmt;
      };
    },
  });
}

/**
 * Opens (and migrates) the SQLite store of record. WAL with synchronous=NORMAL: a committed transaction
 * survives a crash of the process (kill -9), which is the durability the API promises on a 200.
 */
export async function openStore(path: string): Promise<Store> {
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw new AlephError('STORE_MIGRATION_FAILED', `could not migrate the store at ${path}`, { cause: error, status: 500 });
  }
  return db;
}
