import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, startTestNode, type Harness } from '../testing/nodeHarness.js';
import { pageChunks, type ListOrder } from './listPage.js';

// Keys of a large page are read a slice at a time, each after the last key of the one before: rows that tie on
// time and height (one block, one signed time) are where such a walk skips or repeats rows.
describe('a large page read in slices lists every row once, in order', () => {
  let h: Harness;
  const alice = newAccount();
  const N = 45;
  before(async () => {
    h = await startTestNode();
    for (let i = 0; i < N; i++) {
      // Thirty share one time (and the manual clock keeps every message in one block: one height).
      const time = i < 30 ? 1_700_000_000 : 1_700_000_000 + i;
      const m = await sign(alice, buildPost({ sender: alice.address, type: 'sliced', content: { i }, time }));
      assert.equal((await postMessage(h.url, m)).status, 200);
    }
  });
  after(async () => {
    await h.close();
  });

  const base = () => h.node.reads.selectFrom('messages').where(sql.ref('status'), '=', 'processed');
  const orders: ListOrder[] = [
    { columns: ['time', 'height', 'item_hash'], dir: 'desc' },
    { columns: ['time', 'height', 'item_hash'], dir: 'asc', unindexed: ['time'] },
    { columns: ['height', 'item_hash'], dir: 'desc' },
  ];
  for (const order of orders) {
    it(`${order.columns.join(',')} ${order.dir}: slices of 7 give the rows of one read, none twice`, async () => {
      const whole = (await pageChunks(base(), order, { perPage: 0, page: 1 }, h.node.limits, 10_000)).flat();
      const sliced = (await pageChunks(base(), order, { perPage: 0, page: 1 }, h.node.limits, 7)).flat();
      assert.equal(whole.length, N);
      assert.deepEqual(sliced, whole);
      // A page with an offset starts its first slice there.
      const page2 = (await pageChunks(base(), order, { perPage: 20, page: 2 }, h.node.limits, 7)).flat();
      assert.deepEqual(page2, whole.slice(20, 40));
    });
  }

  it('messages.json lists the tied rows in one total order: pages of 10 add up to pagination=0', async () => {
    const all = await getJson(h.url, '/api/v0/messages.json?pagination=0');
    const paged: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const p = await getJson(h.url, `/api/v0/messages.json?pagination=10&page=${page}`);
      paged.push(...(p.body.messages as Array<{ item_hash: string }>).map((m) => m.item_hash));
    }
    assert.deepEqual(
      (all.body.messages as Array<{ item_hash: string }>).map((m) => m.item_hash),
      paged,
    );
    assert.equal(new Set(paged).size, N);
  });
});
