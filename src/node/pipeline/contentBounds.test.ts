import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import WebSocket from 'ws';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { createNode } from '../createNode.js';
import { getJson, getRaw, newAccount, postMessage, sign, signRaw, useTestNode } from '../testing/nodeHarness.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('content and envelope bounds: a hostile message is refused and the node keeps answering', () => {
  const alice = newAccount();
  const h = useTestNode();

  const postContent = (inner: string, time = Date.now() / 1000) =>
    `{"type":"test","address":"${alice.address}","content":${inner},"time":${time}}`;

  async function expectRefused(message: Record<string, unknown>, code: string): Promise<void> {
    const r = await postMessage(h.url, message);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, code);
    assert.equal(typeof r.body.details.message, 'string');
    const s = await getJson(h.url, `/api/v0/messages/${message.item_hash as string}`);
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.equal(s.body.status, 'rejected');
    assert.equal(s.body.error_code, code);
    assert.equal((await getJson(h.url, '/api/v0/messages.json')).status, 200);
  }

  it('content nested 4,200 levels (8 KB) is refused MESSAGE_CONTENT_TOO_DEEP; a subscriber and the listings survive', async () => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/ws0/messages`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const received: string[] = [];
    ws.on('message', (d) => received.push(String(d)));
    const deep = await signRaw(alice, 'POST', postContent(nested(4200)));
    await expectRefused(deep, 'MESSAGE_CONTENT_TOO_DEEP');
    // The node is alive and still streams: an ordinary post reaches the subscriber, the deep one never did.
    const ok = await sign(alice, buildPost({ sender: alice.address, type: 'test', content: { fine: true } }));
    assert.equal((await postMessage(h.url, ok)).status, 200);
    const deadline = Date.now() + 5000;
    while (!received.some((t) => t.includes(ok.item_hash)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    ws.close();
    assert.ok(
      received.some((t) => t.includes(ok.item_hash)),
      'the ordinary post was streamed',
    );
    assert.ok(!received.some((t) => t.includes(deep.item_hash as string)));
    assert.equal((await getJson(h.url, '/api/v0/posts.json')).status, 200);
  });

  it('the depth limit is exact: 64 levels in total pass, 65 are refused', async () => {
    // The content object itself is level 1, so 63 nested arrays inside it make 64.
    assert.equal((await postMessage(h.url, await signRaw(alice, 'POST', postContent(nested(63))))).status, 200);
    await expectRefused(await signRaw(alice, 'POST', postContent(nested(64))), 'MESSAGE_CONTENT_TOO_DEEP');
  });

  it('the same hole one type over: a deep AGGREGATE, and brackets inside strings do not count', async () => {
    const agg = `{"key":"k","address":"${alice.address}","content":{"v":${nested(200)}},"time":${Date.now() / 1000}}`;
    await expectRefused(await signRaw(alice, 'AGGREGATE', agg), 'MESSAGE_CONTENT_TOO_DEEP');
    const stringy = await signRaw(alice, 'POST', postContent(JSON.stringify('['.repeat(5000))));
    assert.equal((await postMessage(h.url, stringy)).status, 200);
  });

  it('a JSON body nested past the limit is a request error (422, as pyaleph answers a malformed request), not a refusal', async () => {
    const body = `{"message":{"chain":"ETH","x":${nested(5000)}},"sync":true}`;
    const r = await fetch(`${h.url}/api/v0/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(r.status, 422);
    const b = (await r.json()) as { error_code: string; message_status?: string };
    assert.equal(b.error_code, 'REQUEST_BODY_TOO_DEEP');
    assert.equal(b.message_status, undefined);
    // Sibling: the dry-run endpoint takes a JSON body through the same parser.
    const d = await fetch(`${h.url}/api/v0/programs/${'a'.repeat(64)}/dry-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"content":${nested(5000)}}`,
    });
    assert.equal(d.status, 422);
    assert.equal(((await d.json()) as { error_code: string }).error_code, 'REQUEST_BODY_TOO_DEEP');
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200);
  });

  it('envelope time 1e300, in the far future, or negative is refused with a code', async () => {
    const content = postContent('{}');
    await expectRefused(await signRaw(alice, 'POST', content, { time: 1e300 }), 'MESSAGE_TIME_IN_FUTURE');
    await expectRefused(
      await signRaw(alice, 'POST', postContent('{"a":1}'), { time: Date.now() / 1000 + 3600 }),
      'MESSAGE_TIME_IN_FUTURE',
    );
    await expectRefused(await signRaw(alice, 'POST', postContent('{"a":2}'), { time: -5 }), 'MESSAGE_TIME_INVALID');
    // A little clock skew is fine.
    assert.equal(
      (await postMessage(h.url, await signRaw(alice, 'POST', postContent('{"a":3}'), { time: Date.now() / 1000 + 60 })))
        .status,
      200,
    );
  });

  it('content.time is bounded the same way', async () => {
    await expectRefused(await signRaw(alice, 'POST', postContent('{"b":1}', 1e300)), 'CONTENT_TIME_IN_FUTURE');
    await expectRefused(await signRaw(alice, 'POST', postContent('{"b":2}', -1)), 'CONTENT_TIME_INVALID');
    const list = (await getJson(h.url, '/api/v0/messages.json?pagination=1')).body;
    assert.ok(list.messages[0].time < Date.now() / 1000 + 300, 'nothing is pinned to the top of the listing');
  });
});

describe('a store that already holds a deep message (written by an older node)', () => {
  it('listings, posts.json, the message itself and the websocket history answer 200', async () => {
    const home = mkdtempSync(join(tmpdir(), 'trust-parse-deep-'));
    const alice = newAccount();
    try {
      const first = await createNode({ home, port: 0, signatureWorkers: 0 });
      const ok = await sign(alice, buildPost({ sender: alice.address, type: 'test', content: { fine: true } }));
      assert.equal((await postMessage(first.url, ok)).status, 200);
      await first.close();

      const deepContent = `{"type":"test","address":"${alice.address}","content":${nested(20_000)},"time":1}`;
      const hash = 'd'.repeat(64);
      const db = new BetterSqlite3(join(home, 'node.sqlite'));
      db.prepare(
        `insert into messages (item_hash, type, chain, sender, owner, channel, time, item_type, item_content, signature, content, status, reception_time, height, subtype, size)
         values (?, 'POST', 'ETH', ?, ?, 'TEST', 2, 'inline', ?, '0x00', ?, 'processed', 2, 999, 'test', ?)`,
      ).run(hash, alice.address, alice.address, deepContent, deepContent, deepContent.length);
      db.prepare(`insert into aggregates (address, key, content, height) values (?, 'deep', ?, 999)`).run(
        alice.address,
        `{"v":${nested(20_000)}}`,
      );
      db.close();

      const node = await createNode({ home, port: 0, signatureWorkers: 0 });
      // Read raw: a message too deep to show is answered with `content: null`, outside the contract on purpose.
      try {
        const list = await getRaw(node.url, '/api/v0/messages.json');
        assert.equal(list.status, 200, JSON.stringify(list.body));
        const shown = list.body.messages.find((m: { item_hash: string }) => m.item_hash === hash);
        assert.equal(shown.content, null, 'too deep to show: content is null, the raw item_content stays');
        assert.equal(typeof shown.item_content, 'string');
        assert.equal((await getRaw(node.url, '/api/v0/posts.json')).status, 200);
        const one = await getRaw(node.url, `/api/v0/messages/${hash}`);
        assert.equal(one.status, 200);
        assert.equal(one.body.status, 'processed');
        const agg = await getRaw(node.url, `/api/v0/aggregates/${alice.address}.json`);
        assert.equal(agg.status, 200);
        assert.equal(agg.body.data.deep, null);
        // Writing to that key merges over a value too deep to serialize: it starts afresh instead of failing.
        const update = await sign(alice, buildAggregate({ sender: alice.address, key: 'deep', content: { fresh: 1 } }));
        assert.equal((await postMessage(node.url, update)).status, 200);
        assert.deepEqual(
          (await getRaw(node.url, `/api/v0/aggregates/${alice.address}.json?keys=deep`)).body.data.deep,
          { fresh: 1 },
        );

        const ws = new WebSocket(`${node.url.replace('http', 'ws')}/api/ws0/messages?history=10`);
        const frames: string[] = [];
        ws.on('message', (d) => frames.push(String(d)));
        const deadline = Date.now() + 5000;
        while (frames.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        ws.close();
        assert.ok(
          frames.some((f) => f.includes(hash)),
          'the deep message is streamed (without its content)',
        );
        assert.equal((await getRaw(node.url, '/api/v0/height')).status, 200);
      } finally {
        await node.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
