import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';
import { itemHashOf } from '../../protocol/index.js';

describe('bad input is refused with the rule that refused it, and nothing else changes', () => {
  const alice = newAccount();
  const mallory = newAccount();
  const h = useTestNode();

  async function expectRejected(message: unknown, code: string): Promise<void> {
    const heightBefore = (await getJson(h.url, '/api/v0/height')).body.height;
    const r = await postMessage(h.url, message);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, code);
    assert.equal(typeof r.body.details.message, 'string');
    const hash = (message as { item_hash?: string }).item_hash;
    if (hash) {
      const s = await getJson(h.url, `/api/v0/messages/${hash}`);
      assert.equal(s.body.status, 'rejected');
      assert.equal(s.body.error_code, code);
    }
    assert.equal((await getJson(h.url, '/api/v0/height')).body.height, heightBefore);
  }

  const post = (content: unknown = { hello: 'world' }) =>
    sign(alice, buildPost({ sender: alice.address, type: 'test', content }));

  it('accepts a well-formed post (the control case)', async () => {
    const m = await post();
    const r = await postMessage(h.url, m);
    assert.equal(r.status, 200);
    assert.equal(r.body.message_status, 'processed');
    assert.equal((await getJson(h.url, `/api/v0/messages/${m.item_hash}`)).body.status, 'processed');
  });

  it('forged signature', async () => {
    const m = await post();
    const sig = m.signature.slice(0, 10) + (m.signature[10] === 'a' ? 'b' : 'a') + m.signature.slice(11);
    await expectRejected({ ...m, signature: sig }, 'MESSAGE_INVALID_SIGNATURE');
  });

  it('signature made by another sender', async () => {
    const m = await post();
    const other = await sign(mallory, buildPost({ sender: mallory.address, type: 'test', content: { x: 1 } }));
    await expectRejected({ ...m, signature: other.signature }, 'MESSAGE_INVALID_SIGNATURE');
  });

  it('item_hash that is not the sha256 of item_content', async () => {
    const m = await post();
    await expectRejected({ ...m, item_content: m.item_content!.replace('world', 'w0rld') }, 'MESSAGE_HASH_MISMATCH');
  });

  it('unknown field in the envelope and in the content', async () => {
    await expectRejected({ ...(await post()), colour: 'red' }, 'MESSAGE_UNKNOWN_FIELD');
    const content = JSON.stringify({ type: 'test', address: alice.address, content: {}, time: 1, colour: 'red' });
    const unsigned = {
      chain: 'ETH',
      sender: alice.address,
      type: 'POST',
      item_type: 'inline',
      item_content: content,
      item_hash: itemHashOf(content),
      time: 1,
      channel: 'TEST',
    };
    const signature = await alice.signMessage({ message: `ETH\n${alice.address}\nPOST\n${unsigned.item_hash}` });
    await expectRejected({ ...unsigned, signature }, 'CONTENT_UNKNOWN_FIELD');
  });

  it('wrong type of a field', async () => {
    await expectRejected({ ...(await post()), time: 'yesterday' }, 'MESSAGE_FIELD_TYPE');
  });

  it('inline content over 200,000 characters', async () => {
    const m = await sign(alice, buildPost({ sender: alice.address, type: 'big', content: 'x'.repeat(150_000) }));
    const content = JSON.stringify({ type: 'big', address: alice.address, content: 'x'.repeat(200_001), time: 1 });
    await expectRejected({ ...m, item_content: content, item_hash: itemHashOf(content) }, 'MESSAGE_CONTENT_TOO_LARGE');
  });

  it('malformed JSON body', async () => {
    const r = await fetch(`${h.url}/api/v0/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message": {"chain": "ETH",',
    });
    assert.equal(r.status, 422);
    const body = (await r.json()) as { error_code: string };
    assert.equal(body.error_code, 'MESSAGE_MALFORMED_JSON');
  });
  it('a body that is not {message, sync} is a request error naming the field, not a rejection', async () => {
    const heightBefore = (await getJson(h.url, '/api/v0/height')).body.height;
    const m = await post();
    for (const [body, field] of [
      [{}, 'message'],
      [{ messages: m }, 'message'],
      [{ message: 'not an object' }, 'message'],
      [{ message: m, sync: 'yes' }, 'sync'],
      [[m], '(root)'],
    ] as const) {
      const r = await fetch(`${h.url}/api/v0/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await r.json()) as { error_code: string; details: { field?: string } };
      assert.equal(r.status, 422, JSON.stringify(answer));
      assert.equal(answer.error_code, 'REQUEST_BODY_INVALID', JSON.stringify(body));
      assert.equal(answer.details.field, field, JSON.stringify(answer));
    }
    assert.equal((await getJson(h.url, `/api/v0/messages/${m.item_hash}`)).status, 404, 'nothing was recorded');
    assert.equal((await getJson(h.url, '/api/v0/height')).body.height, heightBefore);
  });
});
