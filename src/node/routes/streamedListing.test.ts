import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, startTestNode, type Harness } from '../testing/nodeHarness.js';

// More than one chunk of rows (50 rows or 64 KB of content each): the joins between chunks are what can break.
const N = 130;

describe('large listings are streamed chunk by chunk, with the same JSON as pages', () => {
  let h: Harness;
  const alice = newAccount();
  before(async () => {
    h = await startTestNode();
    for (let i = 0; i < N; i++) {
      // Every tenth is 20 KB: some chunks are cut by bytes, not rows.
      const content = { i, pad: 'p'.repeat(i % 10 === 0 ? 20_000 : 10) };
      assert.equal(
        (await postMessage(h.url, await sign(alice, buildPost({ sender: alice.address, type: 'streamed', content }))))
          .status,
        200,
      );
    }
  });
  after(async () => {
    await h.close();
  });

  it('messages.json?pagination=0 is chunked, valid JSON, and lists exactly what the pages of 20 list, in order', async () => {
    const r = await fetch(`${h.url}/api/v0/messages.json?pagination=0`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('transfer-encoding'), 'chunked');
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    const all = (await r.json()) as {
      messages: Array<{ item_hash: string; content: { content: { i: number } } }>;
      pagination_total: number;
      pagination_per_page: number;
      pagination_page: number;
      pagination_item: string;
    };
    assert.deepEqual(
      [all.pagination_page, all.pagination_total, all.pagination_per_page, all.pagination_item],
      [1, N, 0, 'messages'],
    );
    const paged: string[] = [];
    for (let page = 1; paged.length < N; page++) {
      const p = await getJson(h.url, `/api/v0/messages.json?pagination=20&page=${page}`);
      assert.equal(p.status, 200);
      assert.equal(p.body.pagination_total, N);
      paged.push(...(p.body.messages as Array<{ item_hash: string }>).map((m) => m.item_hash));
    }
    assert.deepEqual(
      all.messages.map((m) => m.item_hash),
      paged,
    );
    assert.deepEqual(
      all.messages.map((m) => m.content.content.i),
      Array.from({ length: N }, (_, k) => N - 1 - k),
    );
  });

  it('posts.json?pagination=0 too', async () => {
    const r = await getJson(h.url, '/api/v0/posts.json?pagination=0&types=streamed');
    assert.equal(r.status, 200);
    assert.equal(r.body.posts.length, N);
    assert.equal(r.body.pagination_total, N);
    assert.equal(new Set((r.body.posts as Array<{ item_hash: string }>).map((p) => p.item_hash)).size, N);
  });

  it('an empty listing is still the whole shape', async () => {
    const r = await getJson(h.url, '/api/v0/messages.json?channels=NOBODY');
    assert.deepEqual(r.body, {
      messages: [],
      pagination_page: 1,
      pagination_total: 0,
      pagination_per_page: 20,
      pagination_item: 'messages',
    });
  });
});
