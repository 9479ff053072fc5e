import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isAlephError } from '../../errors.js';
import { createTestStore, databaseUrl, testPgServer } from '../testing/testStore.js';
import { openStore, storeThreadsExited } from './openStore.js';
import { freePort } from '../testing/freePort.js';

const rejectsWith = (p: Promise<unknown>, code: string, mentions: RegExp) =>
  assert.rejects(p, (e) => {
    assert.ok(isAlephError(e), String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, mentions);
    assert.ok(e.hint.length > 0);
    return true;
  });

describe('opening a store refuses what it cannot use, naming the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-open-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an unreachable PostgreSQL server: STORE_UNREACHABLE, quickly, the password not shown', async () => {
    const port = await freePort();
    const t = Date.now();
    await rejectsWith(
      openStore(`postgres://u:secret@127.0.0.1:${port}/db`),
      'STORE_UNREACHABLE',
      new RegExp(`127.0.0.1:${port}`),
    );
    await assert.rejects(
      openStore(`postgres://u:secret@127.0.0.1:${port}/db`),
      (e: Error) => !/secret/.test(e.message),
    );
    assert.ok(Date.now() - t < 15_000);
  });

  it('a URL of an unknown scheme: STORE_URL_INVALID, not taken for a file name', async () => {
    await rejectsWith(openStore('mysql://h/db'), 'STORE_URL_INVALID', /mysql:\/\/h\/db/);
  });

  it('a SQLite store migrated by a newer node: STORE_SCHEMA_NEWER, and nothing written', async () => {
    const path = join(dir, 'newer.sqlite');
    const db = await openStore(path);
    await db
      .insertInto('kysely_migration' as never)
      .values({ name: '9999_future', timestamp: 'x' } as never)
      .execute();
    const height = (await db.selectFrom('meta').select('value').where('key', '=', 'height').executeTakeFirstOrThrow())
      .value;
    await db.destroy();
    await storeThreadsExited(db);
    await rejectsWith(openStore(path), 'STORE_SCHEMA_NEWER', /9999_future/);
    const again = await openStore(`sqlite:${join(dir, 'other.sqlite')}`); // the sqlite: form opens too
    await again.destroy();
    // Its checkpoint thread closes its own connection after destroy(): wait, or removing the dir races its files.
    await storeThreadsExited(again);
    const raw = new (await import('better-sqlite3')).default(path, { readonly: true });
    assert.equal((raw.prepare(`select value from meta where key = 'height'`).get() as { value: string }).value, height);
    raw.close();
  });

  const server = testPgServer();
  it('PostgreSQL: a role the server refuses is STORE_AUTH_FAILED', {
    skip: !server && 'ALEPH_TEST_PG not set',
  }, async () => {
    const u = new URL(server!);
    u.username = 'no_such_role';
    u.password = 'pw';
    await rejectsWith(openStore(u.toString()), 'STORE_AUTH_FAILED', /no_such_role/);
  });

  it('PostgreSQL: a database that does not exist is STORE_DATABASE_MISSING', {
    skip: !server && 'ALEPH_TEST_PG not set',
  }, async () => {
    await rejectsWith(
      openStore(databaseUrl(server!, 'aleph_no_such_db')),
      'STORE_DATABASE_MISSING',
      /aleph_no_such_db/,
    );
  });

  it('PostgreSQL: a schema newer than the code is STORE_SCHEMA_NEWER, and nothing written', {
    skip: !server && 'ALEPH_TEST_PG not set',
  }, async () => {
    const store = await createTestStore();
    try {
      const db = await openStore(store.url!);
      await db.destroy();
      const client = new pg.Client({ connectionString: store.url! });
      await client.connect();
      await client.query(`insert into kysely_migration (name, timestamp) values ('9999_future', 'x')`);
      const before = (await client.query(`select count(*)::int as n from kysely_migration`)).rows[0].n;
      await rejectsWith(openStore(store.url!), 'STORE_SCHEMA_NEWER', /9999_future/);
      assert.equal((await client.query(`select count(*)::int as n from kysely_migration`)).rows[0].n, before);
      assert.equal((await client.query(`select count(*)::int as n from meta where key = 'genesis_ms'`)).rows[0].n, 0);
      await client.end();
    } finally {
      await store.drop();
    }
  });
});
