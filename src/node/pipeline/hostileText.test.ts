/**
 * Text a sender controls reaches the store exactly, on each store. The PostgreSQL writer writes the values of its
 * hot statements into their text (sqlLiterals) rather than binding them: a quote, a backslash or a dollar-quote in
 * a channel, a POST's type or its content must be data there, never SQL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

const HOSTILE = ["'); drop table messages; --", "\\'", "E'\\x41' || '", '$$ $q$ \\\\ " `', "it's ünïcödé 🎉"];

describe('text that would break out of a SQL literal is stored as sent (on each store)', () => {
  const h = useTestNode();
  const a = newAccount();

  it('in the channel, the type and the content of POSTs applied together, then read back and listed', async () => {
    const sent = await Promise.all(
      HOSTILE.map((t, i) =>
        sign(a, { ...buildPost({ sender: a.address, type: t, content: { t, i } }), channel: `c${i}${t}` }),
      ),
    );
    // Posted at once, so the writer applies them in one batch (one statement for their rows).
    const answers = await Promise.all(sent.map((m) => postMessage(h.url, m)));
    for (const r of answers) assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const [i, m] of sent.entries()) {
      const got = await getJson(h.url, `/api/v0/messages/${m.item_hash}`);
      assert.equal(got.body.status, 'processed');
      assert.equal(got.body.message.channel, `c${i}${HOSTILE[i]}`);
      assert.equal(got.body.message.item_content, m.item_content);
      assert.deepEqual(got.body.message.content.content, { t: HOSTILE[i], i });
      const listed = await getJson(h.url, `/api/v0/messages.json?channels=${encodeURIComponent(`c${i}${HOSTILE[i]}`)}`);
      assert.deepEqual(
        listed.body.messages.map((x: { item_hash: string }) => x.item_hash),
        [m.item_hash],
      );
    }
    const all = await getJson(h.url, `/api/v0/messages.json?addresses=${a.address}`);
    assert.equal(all.body.pagination_total, HOSTILE.length);
  });
});
