import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { AlephError } from '../../errors.js';
import { coalescingPool } from './pgCoalescingPool.js';
import { PostgresFromSqlitePlugin } from './pgDialectPlugin.js';
import { redactStore } from './storeUrl.js';
import type { Database } from './tables.js';

/** How long opening a PostgreSQL store may wait for the server before it is called unreachable. */
export const PG_CONNECT_TIMEOUT_MS = 5000;

const INT8 = 20;
/**
 * bigint columns (every `integer` of the migrations, counts) read as numbers: heights, sizes and ids stay far
 * below 2^53, and the code compares them as numbers, as on SQLite.
 */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Server errors at connect that mean the credentials or the database are wrong, not the network. */
const AUTH_CODES = new Set(['28000', '28P01']);

/** A pg error as the store error an operator can act on. */
export function storeOpenError(location: string, e: unknown): AlephError {
  const store = redactStore(location);
  const err = e as { code?: string; message?: string };
  if (err.code && AUTH_CODES.has(err.code))
    return new AlephError(
      'STORE_AUTH_FAILED',
      `the PostgreSQL server at ${store} refused the credentials: ${err.message}`,
      {
        hint: 'check the user and password in the store URL (and the server pg_hba.conf)',
        details: { store },
        cause: e,
      },
    );
  if (err.code === '3D000')
    return new AlephError('STORE_DATABASE_MISSING', `the database of ${store} does not exist: ${err.message}`, {
      hint: 'create it first (createdb NAME), or name an existing database in the store URL',
      details: { store },
      cause: e,
    });
  return new AlephError('STORE_UNREACHABLE', `could not reach the PostgreSQL server at ${store}: ${err.message ?? e}`, {
    hint: 'check the host and port of the store URL and that the server is running',
    details: { store },
    cause: e,
  });
}

/**
 * The application_name of every connection of core node `node` (its store identity): the server's
 * pg_stat_activity then tells which core nodes are connected to a store (see otherCoreNodes).
 */
export const coreNodeApplicationName = (node: string) => `aleph-node:${node}`;

/** A pool on the server, checked by one round trip (bounded by PG_CONNECT_TIMEOUT_MS). */
export async function openPgPool(url: string, max = 10, applicationName?: string): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(applicationName ? { application_name: applicationName } : {}),
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    types,
  });
  // An idle client the server dropped (a restart) is removed from the pool; the next query opens a new one.
  pool.on('error', () => undefined);
  // A client checked out (the writer's open transaction) that loses its server emits 'error' with no pool
  // listener: the process would die of it. Its next query fails instead, and the pool discards it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw storeOpenError(url, e);
  }
  return pool;
}

/** Kysely on a pool, with the rewrites that let the SQLite-worded migrations and queries run there. */
export function pgKysely(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: coalescingPool(pool) }),
    plugins: [new PostgresFromSqlitePlugin()],
  });
}
