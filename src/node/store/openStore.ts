import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { AlephError } from '../../errors.js';
import { Checkpointer, WRITER_CHECKPOINT_PAGES } from './checkpointer.js';
import { readerStatements, writerStatements, type ReaderStatements, type WriterStatements } from './hotStatements.js';
import { columnsOf, isPostgres } from './dialect.js';
import { migrations } from './migrations.js';
import { coreNodeApplicationName, openPgPool, pgKysely, storeOpenError } from './pgStore.js';
import { pgReaderStatements, pgWriterStatements } from './pgStatements.js';
import { followCommits, type CommitFollower } from './pgCommits.js';
import { pgSharedFiles, type SharedFiles } from '../files/sharedFiles.js';
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { parseStoreLocation, redactStore } from './storeUrl.js';
import type { Database } from './tables.js';

export type Store = Kysely<Database>;

/** The hot path's prepared statements of a store: the writer's (its connection), and committed reads. */
export interface StoreStatements {
  writer: WriterStatements;
  reader: ReaderStatements;
}

const statementsOf = new WeakMap<Store, StoreStatements>();

/** The prepared statements of a store opened by {@link openStore}. */
export function storeStatements(db: Store): StoreStatements {
  const s = statementsOf.get(db);
  if (!s) throw new AlephError('INTERNAL_ERROR', 'this store was not opened with openStore', {});
  return s;
}

/**
 * Kysely's SQLite driver prepares every statement on every execution; preparing was the largest single cost
 * of ingest. Statements are reusable, so keep them by SQL text (bounded: IN-lists make the text vary).
 */
function withStatementCache(
  sqlite: BetterSqlite3.Database,
  onClose: () => void,
  closes = true,
): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'close') {
        return () => {
          onClose();
          return closes ? target.close() : target;
        };
      }
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
 * Opens (and migrates) the store of record at `location` (store/storeUrl): a SQLite file, or a PostgreSQL
 * database that other core nodes may share.
 */
export async function openStore(location: string): Promise<Store> {
  const where = parseStoreLocation(location);
  return where.dialect === 'postgres' ? openPostgresStore(where.url) : openSqliteStore(where.path);
}

/**
 * Refuses a store that a newer version of the node migrated (a migration this code does not know): running on
 * it could misread what it wrote. Nothing is written before this check.
 */
async function refuseNewerSchema(db: Store, location: string): Promise<void> {
  if (!(await columnsOf(db, 'kysely_migration')).has('name')) return;
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const unknown = rows.map((r) => r.name).filter((n) => !(n in migrations));
  if (unknown.length === 0) return;
  throw new AlephError(
    'STORE_SCHEMA_NEWER',
    `the store ${redactStore(location)} has a newer schema than this node: ${unknown.join(', ')}`,
    {
      hint: 'run a node version that knows these migrations (upgrade aleph-ts), or point it at another store',
      details: { store: redactStore(location), unknown_migrations: unknown },
    },
  );
}

async function migrate(db: Store, location: string): Promise<void> {
  try {
    await refuseNewerSchema(db, location);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw new AlephError('STORE_MIGRATION_FAILED', `could not migrate the store at ${redactStore(location)}`, {
      cause: error,
    });
  }
}

/**
 * PostgreSQL: one pool for the writer's transactions and the reads alike (a reader never sees an open
 * transaction, so no separate connection is needed). Migrations run under Kysely's migration lock, so nodes
 * starting together on an empty database migrate it once.
 */
async function openPostgresStore(url: string): Promise<Store> {
  const node = randomUUID();
  const pool = await openPgPool(url, undefined, coreNodeApplicationName(node));
  const db = pgKysely(pool);
  try {
    await migrate(db, url);
  } catch (e) {
    // The server may have gone between the check and the migration.
    if ((e as AlephError).code === 'STORE_SCHEMA_NEWER' || (e as AlephError).code === 'STORE_MIGRATION_FAILED') throw e;
    throw storeOpenError(url, e);
  }
  const statements = { writer: pgWriterStatements(db, node), reader: pgReaderStatements(db) };
  statementsOf.set(db, statements);
  readersOf.set(db, db);
  sharedOf.set(db, { url, node });
  return db;
}

const sharedOf = new WeakMap<Store, { url: string; node: string }>();

/** Where files live beyond this node's disk: the PostgreSQL store's file_chunks; none on SQLite. */
export function sharedFilesOf(db: Store): SharedFiles | undefined {
  return sharedOf.has(db) ? pgSharedFiles(db) : undefined;
}

/**
 * Streams the commits of the store's other writers on `bus` as this node's own (store/pgCommits); nothing to
 * follow on SQLite. Closed by the caller before the store.
 */
export async function followOtherWriters(db: Store, bus: EventEmitter): Promise<CommitFollower> {
  const shared = sharedOf.get(db);
  if (!shared) return { ready: Promise.resolve(), close: async () => undefined };
  const follower = followCommits(shared.url, shared.node, db, bus);
  await follower.ready;
  return follower;
}

/**
 * How many other core nodes are connected to the store now (each holds its commit follower's connection while
 * it runs); always 0 on SQLite, whose file has one node.
 */
export async function otherCoreNodes(db: Store): Promise<number> {
  const shared = sharedOf.get(db);
  if (!shared) return 0;
  const r = await sql<{ n: number }>`select count(distinct application_name) as n from pg_stat_activity
    where datname = current_database() and application_name like 'aleph-node:%'
    and application_name <> ${coreNodeApplicationName(shared.node)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Whether the store is a PostgreSQL database (shared with other core nodes) rather than an embedded file. */
export function isSharedStore(db: Store): boolean {
  return isPostgres(db);
}

/**
 * Opens (and migrates) the SQLite store of record. WAL with synchronous=NORMAL: a committed transaction
 * survives a crash of the process (kill -9), which is the durability the API promises on a 200.
 */
async function openSqliteStore(path: string): Promise<Store> {
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  let reader: BetterSqlite3.Database | undefined;
  let listings: BetterSqlite3.Database | undefined;
  let checkpointer: Checkpointer | undefined;
  const onClose = () => {
    checkpointer?.close();
    reader?.close();
    listings?.close();
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, onClose) }) });
  await migrate(db, path);
  sqlite.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
  checkpointer = new Checkpointer(path);
  reader = new BetterSqlite3(path, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  statementsOf.set(db, { writer: writerStatements(sqlite), reader: readerStatements(reader) });
  listings = new BetterSqlite3(path, { readonly: true });
  listings.pragma('busy_timeout = 5000');
  // Its Kysely is never destroyed on its own: the connection closes with the store's (onClose above).
  const readerDb = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(listings, () => undefined, false) }),
  });
  readersOf.set(db, readerDb);
  // Whoever is handed the reader finds the same prepared reads (messageVerdicts takes either).
  statementsOf.set(readerDb, statementsOf.get(db)!);
  exitedOf.set(db, checkpointer.exited);
  return db;
}

const readersOf = new WeakMap<Store, Store>();

/**
 * Committed state on a read-only connection of its own, for the API's reads. The store's own Kysely runs one
 * query at a time on the writer's connection, and the writer holds it for a whole batch (its transaction spans
 * event-loop turns): every GET queued behind it. A WAL reader never waits for the writer, nor the writer for it.
 * Queries on it are synchronous on the event loop, so whoever reads much reads in chunks (see routes/listPage).
 * It is closed with the store.
 */
export function storeReader(db: Store): Store {
  const r = readersOf.get(db);
  if (!r) throw new AlephError('INTERNAL_ERROR', 'this store was not opened with openStore');
  return r;
}

const exitedOf = new WeakMap<Store, Promise<void>>();

/**
 * Settles once a destroyed store's background checkpoint thread is gone too, so its home can be removed
 * (the thread closes its own connection after `destroy()` returns).
 */
export function storeThreadsExited(db: Store, timeoutMs = 2000): Promise<void> {
  const exited = exitedOf.get(db);
  if (!exited) return Promise.resolve();
  // Bounded: closing a node must never hang on a thread that is stuck in a checkpoint.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  return Promise.race([exited, late]).finally(() => clearTimeout(timer));
}
