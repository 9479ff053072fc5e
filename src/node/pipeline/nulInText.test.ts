/**
 * U+0000 in what becomes a text column: PostgreSQL refuses it where SQLite stores it, so a NUL in a channel, a
 * POST's type or an aggregate's key was a 500 on one store and accepted on the other. Refused on both, naming the
 * field; the refusal itself is recorded; a NUL inside content values (JSON text) is data, accepted on both.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, signRaw, useTestNode } from '../testing/nodeHarness.js';

describe('a NUL character in a field the store keeps as text (on each store)', () => {
  const h = useTestNode();
  const a = newAccount();

  it('is refused in the envelope and in top-level content strings, naming the field; the node keeps answering', async () => {
    const post = (over: object) =>
      sign(a, { ...buildPost({ sender: a.address, type: 't', content: { x: 1 } }), ...over });
    const refused = [
      ['channel', 'MESSAGE_INVALID', await post({ channel: 'a\u0000b' })],
      ['signature', 'MESSAGE_INVALID', { ...(await post({})), signature: '0x\u0000' }],
      ['type', 'CONTENT_INVALID', await sign(a, buildPost({ sender: a.address, type: 'a\u0000b', content: { x: 1 } }))],
      [
        'key',
        'CONTENT_INVALID',
        await sign(a, buildAggregate({ sender: a.address, key: 'k\u0000', content: { x: 1 } })),
      ],
      ['item_content', 'CONTENT_MALFORMED_JSON', await signRaw(a, 'POST', '{"type":"t\u0000"}')],
    ] as const;
    for (const [field, code, m] of refused) {
      const r = await postMessage(h.url, m);
      assert.equal(r.status, 422, `${field}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error_code, code, field);
      if (code !== 'CONTENT_MALFORMED_JSON') assert.equal(r.body.details.field, field);
      const stored = await getJson(h.url, `/api/v0/messages/${(m as { item_hash: string }).item_hash}`);
      assert.equal(stored.body.status, 'rejected', `${field}: the refusal is recorded`);
    }
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200);
  });

  it('in a query filter is a request error on every listing, never a store error', async () => {
    for (const q of [
      '/api/v0/messages.json?channels=a%00b',
      '/api/v0/messages.json?contentTypes=a%00',
      '/api/v0/posts.json?types=a%00',
      '/api/v0/messages.json?tags=a%00',
      '/api/v0/programs/summaries?search=a%00',
    ]) {
      const r = await fetch(`${h.url}${q}`);
      assert.ok(r.status === 200 || r.status === 422, `${q}: ${r.status} ${await r.text()}`);
    }
  });

  it('is accepted inside content values and keys, which the store keeps as JSON text', async () => {
    for (const content of [{ x: 'a\u0000b' }, { 'a\u0000b': 1 }]) {
      const r = await postMessage(h.url, await sign(a, buildPost({ sender: a.address, type: 't', content })));
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  });
});
