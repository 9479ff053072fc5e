import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The store a test node runs on: its home's SQLite file, or, when ALEPH_TEST_PG names a PostgreSQL server
 * (scripts/test.mjs starts a private one), a fresh database of its own there, dropped when the node closes.
 */
export interface TestStore {
  /** undefined: the node's default (HOME/node.sqlite). */
  url: string | undefined;
  drop(): Promise<void>;
}

export const testPgServer = (): string | undefined =>
  process.env.ALEPH_TEST_PG && process.env.ALEPH_TEST_PG !== 'off' ? process.env.ALEPH_TEST_PG : undefined;

/** A URL on the same server naming another database. */
export function databaseUrl(server: string, database: string): string {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestStore(): Promise<TestStore> {
  const server = testPgServer();
  if (!server) return { url: undefined, drop: async () => undefined };
  const name = `aleph_t_${randomBytes(6).toString('hex')}`;
  await onServer(server, `create database ${name}`);
  return {
    url: databaseUrl(server, name),
    drop: () => onServer(server, `drop database if exists ${name} with (force)`),
  };
}

async function onServer(server: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
