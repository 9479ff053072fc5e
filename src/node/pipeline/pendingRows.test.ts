import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildStore } from '../../client/messages/buildStore.js';
import { serializeContent, signMessage } from '../../client/messages/signMessage.js';
import type { LocalAlephAccount } from '../../client/accounts/account.js';
import type { SignedMessage } from '../../client/messages/types.js';
import { itemHashOf } from '../../protocol/index.js';
import { getJson, newAccount, postMessage, sign, uploadWithStore, useTestNode } from '../testing/nodeHarness.js';

/** Signs `item_hash` as `account`: anyone can sign an envelope claiming any hash. */
async function claim(account: LocalAlephAccount, base: SignedMessage): Promise<SignedMessage> {
  const signature = await account.signMessage({ message: `ETH\n${account.address}\n${base.type}\n${base.item_hash}` });
  return { ...base, sender: account.address, signature };
}

describe('a pending message keeps its row until its file arrives', () => {
  const alice = newAccount();
  const mallory = newAccount();
  const h = useTestNode();

  const status = async (hash: string) => (await getJson(h.url, `/api/v0/messages/${hash}`)).body;

  it('a STORE waiting for its file is not replaced by junk, a forgery or another signer; it processes when the file comes', async () => {
    const bytes = Buffer.from(`late ${Math.random()}`);
    const genuine = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    assert.equal((await postMessage(h.url, genuine)).status, 202);

    // Another key signs the same item_hash (same content, so the same hash): a different envelope.
    const other = await claim(mallory, genuine);
    const r1 = await postMessage(h.url, other);
    assert.equal(r1.status, 422);
    assert.equal(r1.body.error_code, 'MESSAGE_HASH_CONFLICT');
    assert.match(r1.body.details.hint, /never replaced/);

    // Same sender and signature, another time (outside the signature): also a different envelope.
    const r2 = await postMessage(h.url, { ...genuine, time: genuine.time + 5 });
    assert.equal(r2.body.error_code, 'MESSAGE_HASH_CONFLICT');

    // An unsigned copy and a malformed one: refused for what they are, and recorded nowhere.
    const r3 = await postMessage(h.url, { ...genuine, sender: mallory.address });
    assert.equal(r3.body.error_code, 'MESSAGE_INVALID_SIGNATURE');
    const r4 = await postMessage(h.url, {
      item_hash: genuine.item_hash,
      type: 'STORE',
      chain: 'ETH',
      item_content: 'junk',
    });
    assert.equal(r4.status, 422);

    const s = await status(genuine.item_hash);
    assert.equal(s.status, 'pending');
    assert.equal(s.messages[0].sender, alice.address);
    assert.equal(s.messages[0].signature, genuine.signature);

    // The identical envelope again is not a conflict: still pending.
    assert.equal((await postMessage(h.url, genuine)).status, 202);

    assert.equal((await uploadWithStore(h.url, bytes)).status, 200);
    const done = await status(genuine.item_hash);
    assert.equal(done.status, 'processed');
    assert.equal(done.message.sender, alice.address);
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200);
  });

  it('a storage-type message waiting for its content file: the same protection (sibling)', async () => {
    const unsigned = buildPost({ sender: alice.address, type: 'note', content: { big: 'content kept as a file' } });
    const text = serializeContent(unsigned);
    const genuine = await signMessage(alice, unsigned, { storageHash: itemHashOf(text) });
    assert.equal((await postMessage(h.url, genuine)).status, 202);
    const r = await postMessage(h.url, await claim(mallory, genuine));
    assert.equal(r.body.error_code, 'MESSAGE_HASH_CONFLICT');
    assert.equal(
      (await postMessage(h.url, { ...genuine, signature: '0x' + '11'.repeat(65) })).body.error_code,
      'MESSAGE_INVALID_SIGNATURE',
    );
    assert.equal((await status(genuine.item_hash)).status, 'pending');
    assert.equal((await uploadWithStore(h.url, Buffer.from(text))).status, 200);
    const done = await status(genuine.item_hash);
    assert.equal(done.status, 'processed');
    assert.equal(done.message.sender, alice.address);
  });

  it('junk refused first does not block the genuine message that comes after it', async () => {
    const bytes = Buffer.from(`after junk ${Math.random()}`);
    const genuine = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    assert.equal((await postMessage(h.url, { ...genuine, signature: '0x' + '22'.repeat(65) })).status, 422);
    assert.equal((await status(genuine.item_hash)).status, 'rejected');
    assert.equal((await postMessage(h.url, genuine)).status, 202);
    assert.equal((await status(genuine.item_hash)).status, 'pending');
    await uploadWithStore(h.url, bytes);
    assert.equal((await status(genuine.item_hash)).status, 'processed');
  });

  it('a refused upload naming a pending STORE does not turn it into a refusal', async () => {
    const bytes = Buffer.from(`mismatch ${Math.random()}`);
    const genuine = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    assert.equal((await postMessage(h.url, genuine)).status, 202);
    // Mallory uploads other bytes with a copy of the STORE as metadata: STORE_HASH_MISMATCH.
    const r = await uploadWithStore(h.url, Buffer.from('not the file'), await claim(mallory, genuine));
    assert.equal(r.status, 422);
    assert.equal((await status(genuine.item_hash)).status, 'pending');
    await uploadWithStore(h.url, bytes);
    assert.equal((await status(genuine.item_hash)).status, 'processed');
  });
});
