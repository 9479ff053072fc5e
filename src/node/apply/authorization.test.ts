import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildStore } from '../../client/messages/buildStore.js';
import type { LocalAlephAccount } from '../../client/accounts/account.js';
import {
  getJson,
  newAccount,
  postMessage,
  sign,
  uploadWithStore,
  type Answer,
  useTestNode,
} from '../testing/nodeHarness.js';

describe('authorization: a security aggregate grants exactly what its lists name, and FORGET is authorized like any message', () => {
  const bob = newAccount();
  const h = useTestNode();

  async function grant(owner: LocalAlephAccount, authorizations: unknown[]): Promise<void> {
    const r = await postMessage(
      h.url,
      await sign(owner, buildAggregate({ sender: owner.address, key: 'security', content: { authorizations } })),
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  async function post(
    owner: LocalAlephAccount,
    type: string,
    channel = 'TEST',
    by = owner,
  ): Promise<{ hash: string; r: Answer }> {
    const m = await sign(
      by,
      buildPost({ sender: by.address, address: owner.address, type, channel, content: { t: type } }),
    );
    return { hash: m.item_hash, r: await postMessage(h.url, m) };
  }
  async function amend(
    owner: LocalAlephAccount,
    ref: string,
    by: LocalAlephAccount,
    channel = 'TEST',
  ): Promise<Answer> {
    return postMessage(
      h.url,
      await sign(
        by,
        buildPost({
          sender: by.address,
          address: owner.address,
          type: 'amend',
          ref,
          channel,
          content: { by: by.address },
        }),
      ),
    );
  }
  async function forget(by: LocalAlephAccount, hashes: string[], address: string, channel = 'TEST'): Promise<Answer> {
    return postMessage(
      h.url,
      await sign(by, buildForget({ sender: by.address, address, hashes, reason: 'test', channel })),
    );
  }
  function refused(r: Answer, code: string): void {
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, code, JSON.stringify(r.body));
  }
  const statusOf = async (hash: string) => (await getJson(h.url, `/api/v0/messages/${hash}`)).body.status as string;

  it('types: "PROGRAMSTORE" (a string, not a list) grants no STORE; types: ["STORE"] does', async () => {
    const alice = newAccount();
    await grant(alice, [{ address: bob.address, types: 'PROGRAMSTORE' }]);
    const bytes = Buffer.from(`file ${Math.random()}`);
    const store = await sign(bob, buildStore({ sender: bob.address, address: alice.address, file: bytes }));
    refused(await uploadWithStore(h.url, bytes, store), 'NOT_AUTHORIZED');
    await grant(alice, [{ address: bob.address, types: ['STORE'] }]);
    const again = await sign(bob, buildStore({ sender: bob.address, address: alice.address, file: bytes }));
    assert.equal((await uploadWithStore(h.url, bytes, again)).status, 200);
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200);
  });

  it('post_types: "amendment-notes" does not let a delegate amend the owner\'s post', async () => {
    const alice = newAccount();
    const original = await post(alice, 'blog');
    assert.equal(original.r.status, 200);
    await grant(alice, [{ address: bob.address, post_types: 'amendment-notes' }]);
    refused(await amend(alice, original.hash, bob), 'NOT_AUTHORIZED');
    const shown = (await getJson(h.url, `/api/v0/posts.json?hashes=${original.hash}`)).body.posts[0];
    assert.deepEqual(shown.content, { t: 'blog' }, 'the post kept its content');
  });

  it('sibling: a delegate allowed "amend" but not the amended post\'s type cannot amend it; with both it can', async () => {
    const alice = newAccount();
    const original = await post(alice, 'diary');
    await grant(alice, [{ address: bob.address, post_types: ['amend'] }]);
    refused(await amend(alice, original.hash, bob), 'NOT_AUTHORIZED');
    // Two entries cannot be combined: each grants only what it names.
    await grant(alice, [
      { address: bob.address, post_types: ['amend'] },
      { address: bob.address, post_types: ['diary'] },
    ]);
    refused(await amend(alice, original.hash, bob), 'NOT_AUTHORIZED');
    await grant(alice, [{ address: bob.address, post_types: ['amend', 'diary'] }]);
    assert.equal((await amend(alice, original.hash, bob)).status, 200);
  });

  it('siblings: string channels and aggregate_keys match nothing; a malformed entry does not spoil a good one', async () => {
    const alice = newAccount();
    await grant(alice, [{ address: bob.address, channels: 'TESTING' }]);
    refused((await post(alice, 'note', 'TEST', bob)).r, 'NOT_AUTHORIZED');
    await grant(alice, [{ address: bob.address, aggregate_keys: 'notes-and-more' }]);
    refused(
      await postMessage(
        h.url,
        await sign(
          bob,
          buildAggregate({ sender: bob.address, address: alice.address, key: 'notes', content: { n: 1 } }),
        ),
      ),
      'NOT_AUTHORIZED',
    );
    await grant(alice, [
      { address: bob.address, types: 'POST' },
      { address: bob.address, channels: ['TEST'], types: ['POST'] },
    ]);
    assert.equal((await post(alice, 'note', 'TEST', bob)).r.status, 200);
  });

  it('sibling: the chain filter is exact, and a non-string chain grants nothing', async () => {
    const alice = newAccount();
    await grant(alice, [{ address: bob.address, chain: 'SOL' }]);
    refused((await post(alice, 'note', 'TEST', bob)).r, 'NOT_AUTHORIZED');
    await grant(alice, [{ address: bob.address, chain: ['ETH'] }]);
    refused((await post(alice, 'note', 'TEST', bob)).r, 'NOT_AUTHORIZED');
    await grant(alice, [{ address: bob.address, chain: 'ET' }]);
    refused((await post(alice, 'note', 'TEST', bob)).r, 'NOT_AUTHORIZED');
    await grant(alice, [{ address: bob.address, chain: 'ETH' }]);
    assert.equal((await post(alice, 'note', 'TEST', bob)).r.status, 200);
  });

  it('a FORGET with content.address set to someone else is refused, and nothing is recorded as theirs', async () => {
    const alice = newAccount();
    const mallory = newAccount();
    const own = await post(mallory, 'note');
    refused(await forget(mallory, [own.hash], alice.address), 'FORGET_NOT_AUTHORIZED');
    assert.equal(await statusOf(own.hash), 'processed');
    const recorded = (await getJson(h.url, `/api/v0/messages.json?owners=${alice.address}&msgType=FORGET`)).body;
    assert.equal(recorded.pagination_total, 0);
    // Her own FORGET, under her own address, works.
    assert.equal((await forget(mallory, [own.hash], mallory.address)).status, 200);
    assert.equal(await statusOf(own.hash), 'forgotten');
  });

  it("a delegate authorized for channel ONLY cannot forget the owner's posts in channel PRIVATE, but can in ONLY", async () => {
    const alice = newAccount();
    const carol = newAccount();
    const secret = await post(alice, 'note', 'PRIVATE');
    const open = await post(alice, 'note', 'ONLY');
    await grant(alice, [{ address: carol.address, channels: ['ONLY'] }]);
    refused(await forget(carol, [secret.hash], alice.address, 'ONLY'), 'FORGET_NOT_AUTHORIZED');
    assert.equal(await statusOf(secret.hash), 'processed');
    // Nor by sending the FORGET in the target's channel: the FORGET itself must be in an allowed channel.
    refused(await forget(carol, [secret.hash], alice.address, 'PRIVATE'), 'FORGET_NOT_AUTHORIZED');
    assert.equal((await forget(carol, [open.hash], alice.address, 'ONLY')).status, 200);
    assert.equal(await statusOf(open.hash), 'forgotten');
  });

  it("siblings: a delegate's post_types and aggregate_keys bound what it may forget; types must allow FORGET", async () => {
    const alice = newAccount();
    const carol = newAccount();
    const diary = await post(alice, 'diary');
    const notes = await post(alice, 'notes');
    const profile = await sign(alice, buildAggregate({ sender: alice.address, key: 'profile', content: { a: 1 } }));
    assert.equal((await postMessage(h.url, profile)).status, 200);
    await grant(alice, [{ address: carol.address, post_types: ['notes'], aggregate_keys: ['settings'] }]);
    refused(await forget(carol, [diary.hash], alice.address), 'FORGET_NOT_AUTHORIZED');
    refused(await forget(carol, [profile.item_hash], alice.address), 'FORGET_NOT_AUTHORIZED');
    // All targets are checked before anything changes: one forbidden target refuses the whole FORGET.
    refused(await forget(carol, [notes.hash, diary.hash], alice.address), 'FORGET_NOT_AUTHORIZED');
    assert.equal(await statusOf(notes.hash), 'processed');
    await grant(alice, [{ address: carol.address, types: ['POST'] }]);
    refused(await forget(carol, [notes.hash], alice.address), 'FORGET_NOT_AUTHORIZED');
    await grant(alice, [{ address: carol.address, post_types: ['notes'] }]);
    assert.equal((await forget(carol, [notes.hash], alice.address)).status, 200);
    assert.equal(await statusOf(diary.hash), 'processed');
  });
});
