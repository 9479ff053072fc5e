import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

// Found by the 100,000-request fuzz run: a copy of an already processed message was answered 200 whatever its
// sender or signature, so a forged envelope looked accepted. The stored message must stay as it was, too.
describe('a copy of a processed message is answered by its own signature', () => {
  const alice = newAccount();
  const mallory = newAccount();
  const h = useTestNode();

  it('a swapped sender, a swapped or flipped signature, or the same content signed by another key is refused; the genuine copy is still 200', async () => {
    const genuine = await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { n: 1 } }));
    assert.equal((await postMessage(h.url, genuine)).status, 200);
    const other = await sign(mallory, buildPost({ sender: mallory.address, type: 'note', content: { n: 2 } }));
    const flipped =
      genuine.signature.slice(0, 10) + (genuine.signature[10] === 'a' ? 'b' : 'a') + genuine.signature.slice(11);
    for (const forged of [
      { ...genuine, sender: mallory.address },
      { ...genuine, signature: other.signature },
      { ...genuine, signature: flipped },
    ]) {
      const r = await postMessage(h.url, forged);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.match(r.body.error_code, /^MESSAGE_/);
    }
    assert.equal((await postMessage(h.url, genuine)).status, 200);
    // Mallory signs alice's very content (same item_hash) with a valid signature of her own: not hers to publish.
    const resigned = {
      ...genuine,
      sender: mallory.address,
      signature: await mallory.signMessage({ message: `ETH\n${mallory.address}\nPOST\n${genuine.item_hash}` }),
    };
    const r = await postMessage(h.url, resigned);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'MESSAGE_HASH_CONFLICT');
    // Alice herself re-signs it as another type: the stored message is a POST, not that.
    const retyped = {
      ...genuine,
      type: 'AGGREGATE',
      signature: await alice.signMessage({ message: `ETH\n${alice.address}\nAGGREGATE\n${genuine.item_hash}` }),
    };
    assert.equal((await postMessage(h.url, retyped)).body.error_code, 'MESSAGE_HASH_CONFLICT');
    const shown = await getJson(h.url, `/api/v0/messages/${genuine.item_hash}`);
    assert.equal(shown.body.status, 'processed');
    assert.equal(shown.body.message.sender, alice.address);
    assert.equal(shown.body.message.signature, genuine.signature);
  });
});
