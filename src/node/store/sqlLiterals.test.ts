import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { isAlephError } from '../../errors.js';
import { testPgServer } from '../testing/testStore.js';
import { notAppliedElsewhere } from './pgStatements.js';
import { sqlText, sqlTextArray, sqlValue } from './sqlLiterals.js';

const server = testPgServer();

/** Texts a sender controls that would break out of a literal written carelessly. */
const HOSTILE = [
  "it's",
  "'); drop table messages; --",
  '\\',
  "\\'",
  "\\\\'' or 1=1 --",
  "E'\\x41'",
  '$$ $tag$ "quoted" `tick`',
  'line\nbreak\r\ttab',
  'ünïcödé 🎉 \u2028',
  'x'.repeat(100_000) + "'",
];

describe('SQL literals of the writer', { skip: !server && 'ALEPH_TEST_PG not set' }, () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: server! });
    await client.connect();
  });
  after(() => client.end());

  for (const conforming of ['on', 'off']) {
    it(`every hostile text reads back exactly (standard_conforming_strings ${conforming})`, async () => {
      await client.query(`set standard_conforming_strings = ${conforming}`);
      for (const v of HOSTILE) {
        const r = await client.query(`select ${sqlText(v)} as v`);
        assert.equal(r.rows[0].v, v);
      }
      const arr = await client.query(`select ${sqlTextArray(HOSTILE)} as a`);
      assert.deepEqual(arr.rows[0].a, HOSTILE);
    });
  }

  it('numbers, booleans and null are literals; U+0000 and other types are refused, not written', async () => {
    const r = await client.query(
      `select ${sqlValue(1_700_000_000.125)}::float8 as f, ${sqlValue(42)}::int8 as i, ${sqlValue(null)} as n, ${sqlValue(true)} as b`,
    );
    assert.deepEqual(r.rows[0], { f: 1_700_000_000.125, i: '42', n: null, b: true });
    for (const bad of ['a\u0000b', Number.NaN, Number.POSITIVE_INFINITY, {}, 1n])
      assert.throws(
        () => sqlValue(bad),
        (e) => isAlephError(e) && e.code === 'INTERNAL_ERROR',
      );
  });

  it('the batch end’s check on joining messages (a DO block) reads hostile hashes exactly: it raises for one that is there, not for the others', async () => {
    // Hashes are validated long before the writer (hex or a CID); the check must not depend on it. The body is an
    // escaped literal, so a text holding a dollar-quote tag, a quote or a backslash stays a value.
    const hostile = [...HOSTILE, '$aleph$', "$aleph$'; raise exception 'x'; --"];
    await client.query('create temporary table messages (item_hash text, status text, height integer)');
    try {
      for (const conforming of ['on', 'off']) {
        await client.query(`set standard_conforming_strings = ${conforming}`);
        await client.query(notAppliedElsewhere(hostile));
        for (const v of hostile.slice(-4)) {
          await client.query("insert into messages values ($1, 'processed', 1)", [v]);
          await assert.rejects(client.query(notAppliedElsewhere(hostile)), /STORE_APPLIED_ELSEWHERE/, v);
          await assert.doesNotReject(client.query(notAppliedElsewhere(hostile.filter((h) => h !== v))));
          await client.query('delete from messages');
        }
      }
    } finally {
      await client.query('drop table messages');
    }
  });
});
