import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildStore } from '../../client/messages/buildStore.js';
import {
  alephMessageSchema,
  messageListResponseSchema,
  messageWithStatusSchema,
  pendingMessageStatusSchema,
  forgottenMessageStatusSchema,
  processedMessageStatusSchema,
  rejectedMessageStatusSchema,
} from '../../protocol/api/messageSchemas.js';
import {
  deployProgram,
  getJson,
  newAccount,
  postMessage,
  sign,
  signRaw,
  startTestNode,
  storeFile,
  type Harness,
} from '../testing/nodeHarness.js';

/*
 * Written down from aleph-message (aleph_message/models/__init__.py, `BaseMessage`, extra="forbid"): every field a
 * message object may carry. The Python SDK refuses any other (get_message, watch_messages raise, get_messages drops).
 */
const ALEPH_MESSAGE_FIELDS = new Set([
  '_id',
  'chain',
  'sender',
  'type',
  'channel',
  'confirmations',
  'confirmed',
  'signature',
  'size',
  'time',
  'item_type',
  'item_content',
  'hash_type',
  'item_hash',
  'content',
  'forgotten_by',
]);
/* pyaleph src/aleph/schemas/api/messages.py `BaseMessage` (GET /messages/{hash}); listings add `size` (message_to_dict). */
const PYALEPH_MESSAGE_KEYS = [
  'channel',
  'chain',
  'confirmations',
  'confirmed',
  'content',
  'item_content',
  'item_hash',
  'item_type',
  'sender',
  'signature',
  'time',
  'type',
].sort();
const PYALEPH_LISTED_KEYS = [...PYALEPH_MESSAGE_KEYS, 'size'].sort();
/* pyaleph `PendingMessage`, `ForgottenMessage`. */
const PENDING_KEYS = [
  'channel',
  'chain',
  'content',
  'item_content',
  'item_hash',
  'item_type',
  'reception_time',
  'sender',
  'signature',
  'time',
  'type',
].sort();
const FORGOTTEN_KEYS = [
  'chain',
  'channel',
  'forgotten_at',
  'item_hash',
  'item_type',
  'owner',
  'payment_type',
  'sender',
  'signature',
  'size',
  'time',
  'type',
].sort();

const keys = (o: object) => Object.keys(o).sort();
const assertAlephMessage = (m: Record<string, unknown>, expected: string[]) => {
  assert.deepEqual(keys(m), expected, `keys of ${String(m.type)} ${String(m.item_hash)}`);
  for (const k of Object.keys(m)) assert.ok(ALEPH_MESSAGE_FIELDS.has(k), `${k} is not an aleph-message field`);
  alephMessageSchema.parse(m);
};

describe("message objects have exactly aleph-message's fields, in pyaleph's shapes", () => {
  let h: Harness;
  const alice = newAccount();
  const hashes: Record<string, string> = {};
  before(async () => {
    h = await startTestNode();
    const post = await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { a: 1 } }));
    assert.equal((await postMessage(h.url, post)).status, 200);
    hashes.POST = post.item_hash;
    const agg = await sign(alice, buildAggregate({ sender: alice.address, key: 'k', content: { b: 2 } }));
    assert.equal((await postMessage(h.url, agg)).status, 200);
    hashes.AGGREGATE = agg.item_hash;
    hashes.STORE = await storeFile(h.url, alice, Buffer.from(`shape ${Math.random()}`));
    hashes.PROGRAM = (await deployProgram(h.url, alice)).id;
    const doomed = await storeFile(h.url, alice, Buffer.from(`doomed ${Math.random()}`));
    const forget = await sign(alice, buildForget({ sender: alice.address, hashes: [doomed], reason: 'shape test' }));
    assert.equal((await postMessage(h.url, forget)).status, 200);
    hashes.FORGET = forget.item_hash;
    hashes.forgotten = doomed;
  });
  after(async () => {
    await h.close();
  });

  it('GET /messages.json: every type, the listing keys (with size), parsed by the strict schema', async () => {
    const r = await getJson(h.url, `/api/v0/messages.json?addresses=${alice.address}&pagination=50`);
    assert.equal(r.status, 200);
    messageListResponseSchema.parse(r.body);
    const types = new Set<string>();
    for (const m of r.body.messages) {
      assertAlephMessage(m, PYALEPH_LISTED_KEYS);
      types.add(m.type);
    }
    assert.deepEqual([...types].sort(), ['AGGREGATE', 'FORGET', 'POST', 'PROGRAM', 'STORE']);
    assert.ok(
      !r.body.messages.some((m: { item_hash: string }) => m.item_hash === hashes.forgotten),
      'a forgotten message is not listed',
    );
  });

  it('GET /messages/{hash}: processed of every type, reception_time on the status object only', async () => {
    for (const type of ['POST', 'AGGREGATE', 'STORE', 'PROGRAM', 'FORGET']) {
      const r = await getJson(h.url, `/api/v0/messages/${hashes[type]}`);
      const s = processedMessageStatusSchema.parse(r.body);
      assert.equal(s.message.type, type);
      assertAlephMessage(r.body.message, [...PYALEPH_MESSAGE_KEYS].sort());
      assert.match(r.body.reception_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
  });

  it("forgotten, rejected and pending: pyaleph's ForgottenMessage, the envelope received, PendingMessage", async () => {
    const forgotten = (await getJson(h.url, `/api/v0/messages/${hashes.forgotten}`)).body;
    forgottenMessageStatusSchema.parse(forgotten);
    assert.deepEqual(keys(forgotten.message), FORGOTTEN_KEYS);
    assert.deepEqual(forgotten.forgotten_by, [hashes.FORGET]);

    const bad = await signRaw(
      alice,
      'POST',
      JSON.stringify({ address: alice.address, time: Date.now() / 1000, type: 't', extra: 1 }),
    );
    assert.equal((await postMessage(h.url, bad)).status, 422);
    const rejected = (await getJson(h.url, `/api/v0/messages/${bad.item_hash as string}`)).body;
    rejectedMessageStatusSchema.parse(rejected);
    assert.equal(rejected.error_code, 'CONTENT_UNKNOWN_FIELD');
    for (const k of Object.keys(rejected.message)) assert.ok(ALEPH_MESSAGE_FIELDS.has(k), k);

    const late = await sign(alice, buildStore({ sender: alice.address, file: Buffer.from(`late ${Math.random()}`) }));
    assert.equal((await postMessage(h.url, late)).status, 202);
    const pending = (await getJson(h.url, `/api/v0/messages/${late.item_hash}`)).body;
    pendingMessageStatusSchema.parse(pending);
    assert.deepEqual(keys(pending.messages[0]), PENDING_KEYS);
    for (const s of [forgotten, rejected, pending]) messageWithStatusSchema.parse(s);
  });

  it('websocket frames (history and live) carry the listing keys and nothing else', async () => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/ws0/messages?addresses=${alice.address}&history=2`);
    const frames: Record<string, unknown>[] = [];
    let live = '';
    const done = new Promise<void>((resolve, reject) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as Record<string, unknown>;
        frames.push(m);
        if (m.item_hash === live) resolve();
      });
      ws.on('error', reject);
    });
    await new Promise<void>((r) => ws.once('open', () => r()));
    // The history arrives first; once its 2 frames are in, the live one is the next.
    while (frames.length < 2) await new Promise((r) => ws.once('message', r));
    const post = await sign(alice, buildPost({ sender: alice.address, type: 'live', content: { c: 3 } }));
    live = post.item_hash;
    assert.equal((await postMessage(h.url, post)).status, 200);
    await done;
    ws.close();
    assert.equal(frames.length, 3);
    for (const m of frames) assertAlephMessage(m, PYALEPH_LISTED_KEYS);
  });
});
