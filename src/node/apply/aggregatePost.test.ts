import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

describe('AGGREGATE and POST', () => {
  const alice = newAccount();
  const bob = newAccount();
  const h = useTestNode();

  it('merges aggregate content shallowly, in processing order', async () => {
    for (const content of [{ a: 1, b: { x: 1 } }, { b: { y: 2 }, c: 3 }, { a: 9 }]) {
      assert.equal(
        (
          await postMessage(
            h.url,
            await sign(alice, buildAggregate({ sender: alice.address, key: 'profile', content })),
          )
        ).status,
        200,
      );
    }
    const r = await getJson(h.url, `/api/v0/aggregates/${alice.address}.json?keys=profile`);
    assert.deepEqual(r.body.data.profile, { a: 9, b: { y: 2 }, c: 3 });
  });

  it('a stranger cannot write into another address aggregate; a delegate with the key can, not with another', async () => {
    const foreign = await sign(
      bob,
      buildAggregate({ sender: bob.address, address: alice.address, key: 'profile', content: { hacked: true } }),
    );
    const r = await postMessage(h.url, foreign);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'NOT_AUTHORIZED');
    await postMessage(
      h.url,
      await sign(
        alice,
        buildAggregate({
          sender: alice.address,
          key: 'security',
          content: { authorizations: [{ address: bob.address, aggregate_keys: ['notes'] }] },
        }),
      ),
    );
    const ok = await postMessage(
      h.url,
      await sign(bob, buildAggregate({ sender: bob.address, address: alice.address, key: 'notes', content: { n: 1 } })),
    );
    assert.equal(ok.status, 200);
    const wrongKey = await postMessage(
      h.url,
      await sign(
        bob,
        buildAggregate({ sender: bob.address, address: alice.address, key: 'profile', content: { n: 1 } }),
      ),
    );
    assert.equal(wrongKey.body.error_code, 'NOT_AUTHORIZED');
    const sec = await postMessage(
      h.url,
      await sign(bob, buildAggregate({ sender: bob.address, address: alice.address, key: 'security', content: {} })),
    );
    assert.equal(sec.body.error_code, 'NOT_AUTHORIZED');
  });

  it('amends a post: posts.json shows the original with the newest content; a stranger cannot amend', async () => {
    const original = await sign(alice, buildPost({ sender: alice.address, type: 'blog', content: { title: 'v1' } }));
    await postMessage(h.url, original);
    const amend = await sign(
      alice,
      buildPost({ sender: alice.address, type: 'amend', ref: original.item_hash, content: { title: 'v2' } }),
    );
    assert.equal((await postMessage(h.url, amend)).status, 200);
    const posts = (await getJson(h.url, `/api/v0/posts.json?types=blog`)).body.posts;
    assert.equal(posts.length, 1);
    assert.equal(posts[0].original_item_hash, original.item_hash);
    assert.deepEqual(posts[0].content, { title: 'v2' });
    const byBob = await sign(
      bob,
      buildPost({ sender: bob.address, type: 'amend', ref: original.item_hash, content: { title: 'bob' } }),
    );
    const r = await postMessage(h.url, byBob);
    assert.equal(r.body.error_code, 'AMEND_NOT_OWNER');
    const ofAmend = await sign(
      alice,
      buildPost({ sender: alice.address, type: 'amend', ref: amend.item_hash, content: { title: 'v3' } }),
    );
    assert.equal((await postMessage(h.url, ofAmend)).body.error_code, 'POST_AMEND_OF_AMEND');
  });

  it('lists messages with aleph filters (msgType and msgTypes, addresses) and pagination', async () => {
    const one = (
      await getJson(h.url, `/api/v0/messages.json?msgType=AGGREGATE&addresses=${alice.address}&pagination=2`)
    ).body;
    assert.equal(one.pagination_per_page, 2);
    assert.equal(one.messages.length, 2);
    assert.ok(one.pagination_total >= 4);
    assert.ok(one.messages.every((m: { type: string }) => m.type === 'AGGREGATE'));
    const many = (await getJson(h.url, `/api/v0/messages.json?msgTypes=POST,AGGREGATE&pagination=0`)).body;
    assert.ok(many.messages.some((m: { type: string }) => m.type === 'POST'));
    assert.equal(many.messages.length, many.pagination_total);
    // Owners are stored checksummed; a lowercase filter still finds them, and a stranger's finds none.
    const owned = (await getJson(h.url, `/api/v0/messages.json?owners=${alice.address.toLowerCase()}&pagination=0`))
      .body;
    assert.ok(
      owned.messages.length >= 4 &&
        owned.messages.every((m: { content: { address: string } }) => m.content.address === alice.address),
    );
    assert.equal(
      (await getJson(h.url, `/api/v0/messages.json?owners=${newAccount().address}`)).body.messages.length,
      0,
    );
  });
});
