import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import {
  getJson,
  newAccount,
  postMessage,
  sign,
  startTestNode,
  type Harness,
  useTestNode,
} from '../testing/nodeHarness.js';
import { isSharedStore } from '../store/openStore.js';

const MAX_ROWS = 5;

describe('query strings are parsed with a schema: a bad value is refused with its field, never reinterpreted', () => {
  let h: Harness;
  const alice = newAccount();
  const posts: string[] = [];
  before(async () => {
    h = await startTestNode({ limits: { maxListRows: MAX_ROWS } });
    for (let i = 0; i < MAX_ROWS + 3; i++) {
      const m = await sign(alice, buildPost({ sender: alice.address, type: 'test', content: { i } }));
      assert.equal((await postMessage(h.url, m)).status, 200);
      posts.push(m.item_hash);
    }
    assert.equal(
      (
        await postMessage(
          h.url,
          await sign(alice, buildAggregate({ sender: alice.address, key: 'profile', content: { a: 1 } })),
        )
      ).status,
      200,
    );
  });
  after(async () => {
    await h.close();
  });

  async function expectInvalid(path: string, field: string): Promise<void> {
    const r = await getJson(h.url, path);
    assert.equal(r.status, 422, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error_code, 'REQUEST_QUERY_INVALID', path);
    assert.equal(r.body.details.field, field, path);
    assert.equal(typeof r.body.details.message, 'string');
  }

  it('pagination=-1 and pagination=abc (which used to return every row) are refused', async () => {
    await expectInvalid('/api/v0/messages.json?pagination=-1', 'pagination');
    await expectInvalid('/api/v0/messages.json?pagination=abc', 'pagination');
    await expectInvalid('/api/v0/messages.json?pagination=1.5', 'pagination');
    await expectInvalid('/api/v0/messages.json?pagination=', 'pagination');
  });

  it('page=1e300 (a 500) and page=0 are refused; so are bad dates and sort orders', async () => {
    await expectInvalid('/api/v0/messages.json?page=1e300', 'page');
    await expectInvalid('/api/v0/messages.json?page=0', 'page');
    await expectInvalid('/api/v0/messages.json?page=99999999999', 'page');
    await expectInvalid('/api/v0/messages.json?startDate=-5', 'startDate');
    await expectInvalid('/api/v0/messages.json?endDate=tomorrow', 'endDate');
    await expectInvalid('/api/v0/messages.json?end_date=1e300', 'end_date');
    await expectInvalid('/api/v0/messages.json?sort_order=2', 'sort_order');
    await expectInvalid('/api/v0/messages.json?msgType=BOGUS', 'msgType');
    await expectInvalid('/api/v0/messages.json?page=1&page=2', 'page');
  });

  it('pagination=0 ("no limit") is bounded by the operator setting; a page larger than the setting is refused', async () => {
    const all = await getJson(h.url, '/api/v0/messages.json?pagination=0');
    assert.equal(all.status, 200);
    assert.equal(all.body.messages.length, MAX_ROWS);
    assert.ok(all.body.pagination_total > MAX_ROWS, 'the total still tells how many there are');
    await expectInvalid(`/api/v0/messages.json?pagination=${MAX_ROWS + 1}`, 'pagination');
    const page2 = await getJson(h.url, '/api/v0/messages.json?pagination=3&page=2&msgType=POST');
    assert.equal(page2.status, 200);
    assert.equal(page2.body.messages.length, 3);
    assert.deepEqual(
      page2.body.messages.map((m: { item_hash: string }) => m.item_hash),
      posts.slice(-6, -3).reverse(),
    );
  });

  it('list filters: more than 100 entries, an overlong entry, or a malformed address or hash is refused', async () => {
    const addrs = Array.from({ length: 101 }, () => newAccount().address).join(',');
    await expectInvalid(`/api/v0/messages.json?addresses=${addrs}`, 'addresses');
    await expectInvalid(`/api/v0/messages.json?channels=${'x'.repeat(300)}`, 'channels');
    await expectInvalid('/api/v0/messages.json?addresses=0x1234', 'addresses');
    await expectInvalid('/api/v0/messages.json?owners=alice', 'owners');
    await expectInvalid('/api/v0/messages.json?hashes=../../etc', 'hashes');
    await expectInvalid(`/api/v0/messages.json?refs=${Array(101).fill('r').join(',')}`, 'refs');
    await expectInvalid(`/api/v0/messages.json?msgTypes=POST,${Array(100).fill('STORE').join(',')}`, 'msgTypes');
  });

  it('addresses (100 entries, any case) are served from the sender_lc index', async () => {
    const others = Array.from({ length: 99 }, () => newAccount().address);
    const r = await getJson(
      h.url,
      `/api/v0/messages.json?pagination=0&addresses=${[alice.address.toLowerCase(), ...others].join(',')}`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.messages.length, MAX_ROWS);
    assert.ok(r.body.messages.every((m: { sender: string }) => m.sender === alice.address));
    // The shapes messagesRoutes builds (see its comment on `+status`): SQLite's planner (PostgreSQL plans its own way).
    if (isSharedStore(h.node.db)) return;
    const explain = async (q: ReturnType<typeof sql>) =>
      (await sql<{ detail: string }>`explain query plan ${q}`.execute(h.node.db)).rows.map((r) => r.detail).join(' | ');
    const byAddress = await explain(
      sql`select item_hash, size from messages where +status = 'processed' and sender_lc in (${sql.join(others)}) order by +time desc, height desc limit 20`,
    );
    assert.match(byAddress, /USING INDEX messages_sender_lc/);
    const plain = await explain(
      sql`select item_hash, size from messages where +status = 'processed' order by time desc, height desc limit 20`,
    );
    assert.match(plain, /USING INDEX messages_time/);
    assert.doesNotMatch(plain, /TEMP B-TREE/);
  });

  it('siblings: posts.json, aggregates and programs parse their query strings the same way', async () => {
    await expectInvalid('/api/v0/posts.json?pagination=-1', 'pagination');
    await expectInvalid('/api/v0/posts.json?page=1e300', 'page');
    await expectInvalid('/api/v0/posts.json?addresses=nobody', 'addresses');
    await expectInvalid(`/api/v0/posts.json?types=${Array(101).fill('t').join(',')}`, 'types');
    await expectInvalid(`/api/v0/aggregates/${alice.address}.json?keys=${Array(101).fill('k').join(',')}`, 'keys');
    await expectInvalid('/api/v0/programs?owners=0xzz', 'owners');
    const postsAll = await getJson(h.url, '/api/v0/posts.json?pagination=0');
    assert.equal(postsAll.status, 200);
    assert.equal(postsAll.body.posts.length, MAX_ROWS);
    assert.equal(
      (await getJson(h.url, `/api/v0/aggregates/${alice.address}.json?keys=profile`)).body.data.profile.a,
      1,
    );
    assert.equal(
      (await getJson(h.url, `/api/v0/posts.json?addresses=${alice.address.toLowerCase()}&pagination=2`)).body.posts
        .length,
      2,
    );
  });
});

describe('posts.json loads only the newest amend of each post', () => {
  const alice = newAccount();
  const h = useTestNode();

  it('a post amended many times shows its newest content; an unamended one its own', async () => {
    const original = await sign(alice, buildPost({ sender: alice.address, type: 'blog', content: { v: 0 } }));
    const plain = await sign(alice, buildPost({ sender: alice.address, type: 'blog', content: { plain: true } }));
    assert.equal((await postMessage(h.url, original)).status, 200);
    assert.equal((await postMessage(h.url, plain)).status, 200);
    for (let v = 1; v <= 12; v++) {
      const amend = await sign(
        alice,
        buildPost({ sender: alice.address, type: 'amend', ref: original.item_hash, content: { v } }),
      );
      assert.equal((await postMessage(h.url, amend)).status, 200);
    }
    const posts = (await getJson(h.url, '/api/v0/posts.json?types=blog')).body.posts as Array<{
      original_item_hash: string;
      content: unknown;
    }>;
    assert.equal(posts.length, 2);
    assert.deepEqual(posts.find((p) => p.original_item_hash === original.item_hash)?.content, { v: 12 });
    assert.deepEqual(posts.find((p) => p.original_item_hash === plain.item_hash)?.content, { plain: true });
  });
});

describe('a listing bounded in bytes', () => {
  let h: Harness;
  const alice = newAccount();
  before(async () => {
    h = await startTestNode({ limits: { maxListBytes: 4096 } });
  });
  after(async () => {
    await h.close();
  });

  it('a page over maxListBytes is refused LIST_TOO_LARGE; pagination=0 stops at the bound; small pages answer', async () => {
    for (let i = 0; i < 4; i++) {
      assert.equal(
        (
          await postMessage(
            h.url,
            await sign(alice, buildPost({ sender: alice.address, type: 'big', content: 'x'.repeat(1500) })),
          )
        ).status,
        200,
      );
    }
    const big = await getJson(h.url, '/api/v0/messages.json?pagination=4');
    assert.equal(big.status, 413);
    assert.equal(big.body.error_code, 'LIST_TOO_LARGE');
    const unlimited = await getJson(h.url, '/api/v0/messages.json?pagination=0');
    assert.equal(unlimited.status, 200);
    assert.ok(
      unlimited.body.messages.length >= 1 && unlimited.body.messages.length < 4,
      String(unlimited.body.messages.length),
    );
    assert.equal(unlimited.body.pagination_total, 4);
    assert.equal((await getJson(h.url, '/api/v0/messages.json?pagination=2')).body.messages.length, 2);
  });
});
