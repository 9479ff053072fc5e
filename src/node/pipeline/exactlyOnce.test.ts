import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildProgram } from '../../client/messages/buildProgram.js';
import { buildStore } from '../../client/messages/buildStore.js';
import type { SignedMessage } from '../../client/messages/types.js';
import {
  getJson,
  newAccount,
  sign,
  startTestNode,
  storeFile,
  type Answer,
  type Harness,
} from '../testing/nodeHarness.js';

async function publish(url: string, message: unknown, sync: boolean): Promise<Answer> {
  const r = await fetch(`${url}/api/v0/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, sync }),
  });
  return { status: r.status, body: await r.json() };
}

async function uploadConcurrently(
  url: string,
  bytes: Uint8Array,
  message: SignedMessage,
  sync: boolean,
): Promise<Answer> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ message, sync }));
  form.append('file', new Blob([new Uint8Array(bytes)]), 'file');
  const r = await fetch(`${url}/api/v0/storage/add_file`, { method: 'POST', body: form });
  return { status: r.status, body: await r.json() };
}

/**
 * How many messages the node has applied: its processing sequence (block heights count time, not
 * messages, so `GET /api/v0/height` cannot tell one application from eight).
 */
const nodes = new Map<string, Harness>();
const height = async (url: string) =>
  Number(
    (
      await nodes
        .get(url)!
        .node.db.selectFrom('meta')
        .select('value')
        .where('key', '=', 'height')
        .executeTakeFirstOrThrow()
    ).value,
  );

/** Eight copies at once, half of them `sync: false`: every answer equal to the first, one height used. */
async function eightAtOnce(url: string, send: (sync: boolean) => Promise<Answer>): Promise<Answer[]> {
  const before = await height(url);
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => send(i % 2 === 0)));
  for (const a of answers)
    assert.deepEqual(a, answers[0], `answers differ: ${JSON.stringify(answers.map((x) => x.status))}`);
  assert.equal(await height(url), before + 1, 'one application, one height');
  return answers;
}

describe('a message sent many times at once is applied exactly once', () => {
  let h: Harness;
  const alice = newAccount();
  before(async () => {
    h = await startTestNode({ signatureWorkers: 1 });
    nodes.set(h.url, h);
  });
  after(async () => {
    await h.close();
  });

  it('AGGREGATE: eight identical copies give one application and eight equal answers', async () => {
    const m = await sign(alice, buildAggregate({ sender: alice.address, key: 'profile', content: { nick: 'alice' } }));
    const answers = await eightAtOnce(h.url, (sync) => publish(h.url, m, sync));
    assert.equal(answers[0].status, 200);
    assert.equal(answers[0].body.message_status, 'processed');
    const agg = await getJson(h.url, `/api/v0/aggregates/${alice.address}.json`);
    assert.deepEqual(agg.body.data.profile, { nick: 'alice' });
    // A later copy gets aleph's answer for a known message, and still uses no height.
    const h0 = await height(h.url);
    assert.deepEqual(await publish(h.url, m, true), answers[0]);
    assert.equal(await height(h.url), h0);
  });

  it('POST: eight identical copies, one height', async () => {
    const m = await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { n: 1 } }));
    const answers = await eightAtOnce(h.url, (sync) => publish(h.url, m, sync));
    assert.equal(answers[0].status, 200);
    const list = await getJson(h.url, `/api/v0/messages.json?hashes=${m.item_hash}`);
    assert.equal(list.body.messages.length, 1);
  });

  it('STORE through POST /messages: eight 200s, not one 200 and seven 500s', async () => {
    const bytes = Buffer.from(`file ${Math.random()}`);
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'file');
    assert.equal((await fetch(`${h.url}/api/v0/storage/add_file`, { method: 'POST', body: form })).status, 200);
    const m = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const answers = await eightAtOnce(h.url, (sync) => publish(h.url, m, sync));
    assert.equal(answers[0].status, 200, JSON.stringify(answers[0].body));
    assert.equal((await getJson(h.url, `/api/v0/messages/${m.item_hash}`)).body.status, 'processed');
  });

  it('STORE with its file through add_file: eight equal answers, one height', async () => {
    const bytes = Buffer.from(`uploaded ${Math.random()}`);
    const m = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const answers = await eightAtOnce(h.url, (sync) => uploadConcurrently(h.url, bytes, m, sync));
    assert.equal(answers[0].status, 200, JSON.stringify(answers[0].body));
    assert.equal(answers[0].body.message_status, 'processed');
    assert.equal(
      Buffer.from(await (await fetch(`${h.url}/api/v0/storage/raw/${m.item_hash}`)).arrayBuffer()).toString(),
      bytes.toString(),
    );
  });

  it('PROGRAM: eight identical deployments make one program', async () => {
    const code = await storeFile(h.url, alice, Buffer.from(`code ${Math.random()}`));
    const runtime = await storeFile(h.url, alice, Buffer.from(`runtime ${Math.random()}`));
    const m = await sign(
      alice,
      buildProgram({ sender: alice.address, codeRef: code, entrypoint: 'main:app', runtime }),
    );
    const answers = await eightAtOnce(h.url, (sync) => publish(h.url, m, sync));
    assert.equal(answers[0].status, 200, JSON.stringify(answers[0].body));
    const view = await getJson(h.url, `/api/v0/programs/${m.item_hash}`);
    assert.equal(view.status, 200);
    assert.equal(view.body.edition, 0);
  });

  it('FORGET: eight identical copies forget once, at one height', async () => {
    const post = await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { n: 'to forget' } }));
    assert.equal((await publish(h.url, post, true)).status, 200);
    const m = await sign(alice, buildForget({ sender: alice.address, hashes: [post.item_hash], reason: 'test' }));
    const answers = await eightAtOnce(h.url, (sync) => publish(h.url, m, sync));
    assert.equal(answers[0].status, 200, JSON.stringify(answers[0].body));
    const s = (await getJson(h.url, `/api/v0/messages/${post.item_hash}`)).body;
    assert.equal(s.status, 'forgotten');
    assert.deepEqual(s.forgotten_by, [m.item_hash]);
  });

  it('a STORE whose file is missing: eight copies all answer 202, then the file makes it processed once', async () => {
    const bytes = Buffer.from(`missing ${Math.random()}`);
    const m = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const before = await height(h.url);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => publish(h.url, m, i % 2 === 0)));
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.equal(answers[0].status, 202);
    // The file and more copies at once.
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'file');
    const [up, ...copies] = await Promise.all([
      fetch(`${h.url}/api/v0/storage/add_file`, { method: 'POST', body: form }),
      ...Array.from({ length: 4 }, () => publish(h.url, m, true)),
    ]);
    assert.equal(up.status, 200);
    for (const c of copies) assert.ok(c.status === 200 || c.status === 202, JSON.stringify(c));
    assert.equal((await getJson(h.url, `/api/v0/messages/${m.item_hash}`)).body.status, 'processed');
    assert.equal(await height(h.url), before + 1);
  });

  it('a refusal is shared too: eight copies of a message refused at apply time get the same 422', async () => {
    const mallory = newAccount();
    // Mallory may not act for alice: refused by the writer, once.
    const m = await sign(
      mallory,
      buildPost({ sender: mallory.address, address: alice.address, type: 'note', content: { n: 2 } }),
    );
    const before = await height(h.url);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => publish(h.url, m, i % 2 === 0)));
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.equal(answers[0].status, 422);
    assert.equal(answers[0].body.error_code, 'NOT_AUTHORIZED');
    assert.equal(await height(h.url), before);
    assert.equal((await getJson(h.url, `/api/v0/messages/${m.item_hash}`)).body.status, 'rejected');
  });

  it('envelopes that differ outside the signature (time) under one hash: applied once, all answered 200', async () => {
    const m = await sign(alice, buildAggregate({ sender: alice.address, key: 'twins', content: { n: 1 } }));
    const twin = { ...m, time: m.time + 1 };
    const before = await height(h.url);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => publish(h.url, i % 2 ? twin : m, i % 3 === 0)),
    );
    for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(await height(h.url), before + 1);
    assert.equal((await getJson(h.url, '/api/v0/messages.json')).status, 200, 'the node keeps answering');
  });
});
