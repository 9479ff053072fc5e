import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import { createTestStore, type TestStore, testPgServer } from '../testing/testStore.js';
import { pgKysely } from './pgStore.js';

const server = testPgServer();

describe('the PostgreSQL pool Kysely sees (held control statements)', {
  skip: !server && 'ALEPH_TEST_PG not set',
}, () => {
  let store: TestStore;
  let pool: pg.Pool;
  /** Reads the table from outside the pool under test. */
  let check: pg.Pool;
  let db: Kysely<never>;
  /** What each round trip sent: the texts pg's clients were asked to run (the library's, not ours). */
  const sent: string[] = [];

  before(async () => {
    store = await createTestStore();
    pool = new pg.Pool({ connectionString: store.url!, max: 2 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as { query: unknown }).query = (...a: unknown[]) => {
        if (typeof a[0] === 'string') sent.push(a[0]);
        return query(...a);
      };
    });
    check = new pg.Pool({ connectionString: store.url!, max: 1 });
    await check.query('create table t (x integer)');
    db = pgKysely(pool) as unknown as Kysely<never>;
  });
  after(async () => {
    await db.destroy();
    await check.end();
    await store.drop();
  });

  const raw = (k: Kysely<never>, text: string, params: unknown[] = []) =>
    k.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
  const count = async () => Number((await check.query('select count(*) as n from t')).rows[0].n);

  it('begin and savepoints ride on the next simple query, and several statements answer as the last with rows', async () => {
    sent.length = 0;
    const trx = await db.startTransaction().execute();
    await raw(trx, 'savepoint a');
    const r = await raw(trx, 'select 1 as one; select 2 as two');
    assert.deepEqual(r.rows, [{ two: 2 }]);
    await raw(trx, 'release savepoint a');
    await trx.commit().execute();
    assert.deepEqual(sent, ['begin; savepoint a; select 1 as one; select 2 as two', 'release savepoint a; commit']);
  });

  it('in front of a statement with parameters the held ones go alone first, in order', async () => {
    sent.length = 0;
    const trx = await db.startTransaction().execute();
    await raw(trx, 'insert into t (x) values ($1)', [1]);
    await trx.rollback().execute();
    assert.deepEqual(sent, ['begin; ', 'insert into t (x) values ($1)', 'rollback']);
    assert.equal(await count(), 0);
  });

  it('a query ending in commit commits, and the commit that closes the transaction then sends nothing', async () => {
    sent.length = 0;
    const trx = await db.startTransaction().execute();
    await raw(trx, 'insert into t (x) values ($1)', [7]);
    const r = await raw(trx, 'select 5 as five; commit');
    assert.deepEqual(r.rows, [{ five: 5 }]);
    assert.equal(await count(), 1, 'committed before the transaction is closed');
    await trx.commit().execute();
    assert.deepEqual(sent, ['begin; ', 'insert into t (x) values ($1)', 'select 5 as five; commit']);
    // The connection is clean for the next transaction: nothing of the last one is held or absorbed.
    sent.length = 0;
    const next = await db.startTransaction().execute();
    await raw(next, 'insert into t (x) values (8)');
    await next.rollback().execute();
    assert.deepEqual(sent, ['begin; insert into t (x) values (8)', 'rollback']);
    assert.equal(await count(), 1);
    await check.query('delete from t');
  });

  it('an error of a held statement is the error of the query it rode with; the rollback then leaves nothing', async () => {
    const trx = await db.startTransaction().execute();
    await raw(trx, 'release savepoint never_made');
    await assert.rejects(raw(trx, 'insert into t (x) values (9)'), /never_made/);
    await trx.rollback().execute();
    assert.equal(await count(), 0);
  });
});
