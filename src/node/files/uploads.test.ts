import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildStore } from '../../client/messages/buildStore.js';
import { serializeContent, signMessage } from '../../client/messages/signMessage.js';
import type { SignedMessage } from '../../client/messages/types.js';
import { itemHashOf } from '../../protocol/index.js';
import { getJson, newAccount, postMessage, sign, type Answer } from '../testing/nodeHarness.js';
import { eventually, startStorageNode, type StorageNode } from '../testing/storageHarness.js';

const KiB = 1024;
const CAP = 64 * KiB;
const MAX = 256 * KiB;

/** Multipart upload with parts in the order given. */
async function upload(
  url: string,
  parts: Array<['metadata', unknown] | ['file', Uint8Array] | ['text-file', string]>,
): Promise<Answer> {
  const form = new FormData();
  for (const [name, v] of parts) {
    if (name === 'metadata') form.append('metadata', JSON.stringify({ message: v, sync: true }));
    else if (name === 'file') form.append('file', new Blob([new Uint8Array(v)]), 'file');
    else form.append('file', v);
  }
  const r = await fetch(`${url}/api/v0/storage/add_file`, { method: 'POST', body: form });
  return { status: r.status, body: await r.json() };
}

const bytesOf = (n: number, seed = Math.random()) => Buffer.alloc(n, `${seed}`);

describe('uploads: capped without a signature, and a refused upload leaves nothing behind', () => {
  let s: StorageNode;
  const alice = newAccount();
  const mallory = newAccount();
  before(async () => {
    s = await startStorageNode({ maxUnauthenticatedUploadBytes: CAP, maxFileBytes: MAX });
  });
  after(async () => {
    await s.close();
  });

  async function assertNothingLeft(before: { count: number; bytes: number }, hash?: string): Promise<void> {
    assert.deepEqual(s.stored(), before, 'the file store holds what it held before');
    await eventually('the staging directory to be empty', () => s.staged().length === 0);
    if (hash) assert.equal((await fetch(`${s.url}/api/v0/storage/raw/${hash}`)).status, 404);
    assert.equal((await getJson(s.url, '/api/v0/height')).status, 200, 'the node keeps answering');
  }

  it('an anonymous upload under the cap is kept and served (the control case)', async () => {
    const bytes = bytesOf(CAP);
    const r = await upload(s.url, [['file', bytes]]);
    assert.equal(r.status, 200);
    assert.equal(r.body.hash, itemHashOf(bytes));
    assert.equal((await fetch(`${s.url}/api/v0/storage/raw/${r.body.hash}`)).status, 200);
  });

  it('an anonymous upload over the cap is 413 with the way out, and nothing is kept', async () => {
    const before = s.stored();
    const bytes = bytesOf(CAP + 1);
    const r = await upload(s.url, [['file', bytes]]);
    assert.equal(r.status, 413);
    assert.equal(r.body.error_code, 'FILE_TOO_LARGE');
    assert.match(r.body.details.hint, /signed STORE in the "metadata" field, sent before the file/);
    await assertNothingLeft(before, itemHashOf(bytes));
  });

  it('siblings: the text-field file of @aleph-sdk/client and add_json have the same cap', async () => {
    const before = s.stored();
    const text = 'y'.repeat(CAP + 10);
    const r = await upload(s.url, [['text-file', text]]);
    assert.equal(r.status, 413, JSON.stringify(r.body));
    const json = await fetch(`${s.url}/api/v0/storage/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: text }),
    });
    assert.equal(json.status, 413);
    await assertNothingLeft(before, itemHashOf(text));
    const sent = '{"a": 1,  "kept": "as sent"}';
    const small = await fetch(`${s.url}/api/v0/storage/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sent,
    });
    assert.equal(small.status, 200);
    assert.equal(((await small.json()) as { hash: string }).hash, itemHashOf(sent));
  });

  it('a signed STORE sent before the file lifts the cap to maxFileBytes', async () => {
    const bytes = bytesOf(CAP * 3);
    const msg = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const r = await upload(s.url, [
      ['metadata', msg],
      ['file', bytes],
    ]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.message_status, 'processed');
    assert.equal(
      Buffer.from(await (await fetch(`${s.url}/api/v0/storage/raw/${msg.item_hash}`)).arrayBuffer()).length,
      CAP * 3,
    );
  });

  it('the same STORE sent after the file does not: the bytes were read as anonymous', async () => {
    const before = s.stored();
    const bytes = bytesOf(CAP * 3);
    const msg = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const r = await upload(s.url, [
      ['file', bytes],
      ['metadata', msg],
    ]);
    assert.equal(r.status, 413);
    await assertNothingLeft(before, itemHashOf(bytes));
  });

  it('over maxFileBytes even with a signed STORE: 413, and the first maxFileBytes are not kept nor served', async () => {
    const before = s.stored();
    const bytes = bytesOf(MAX + 4 * KiB);
    const msg = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const r = await upload(s.url, [
      ['metadata', msg],
      ['file', bytes],
    ]);
    assert.equal(r.status, 413);
    assert.equal(r.body.error_code, 'FILE_TOO_LARGE');
    await assertNothingLeft(before, itemHashOf(bytes.subarray(0, MAX)));
    assert.equal((await fetch(`${s.url}/api/v0/storage/raw/${itemHashOf(bytes)}`)).status, 404);
  });

  it('invalid metadata (bytes of another file, forged signature, not JSON) is 422 and keeps nothing', async () => {
    const before = s.stored();
    const bytes = bytesOf(4 * KiB);
    const other = await sign(alice, buildStore({ sender: alice.address, file: Buffer.from('something else') }));
    const r1 = await upload(s.url, [
      ['metadata', other],
      ['file', bytes],
    ]);
    assert.equal(r1.status, 422);
    assert.equal(r1.body.error_code, 'STORE_HASH_MISMATCH');
    const msg = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const forged: SignedMessage = { ...msg, sender: mallory.address };
    const r2 = await upload(s.url, [
      ['metadata', forged],
      ['file', bytes],
    ]);
    assert.equal(r2.status, 422);
    assert.equal(r2.body.error_code, 'MESSAGE_INVALID_SIGNATURE');
    const form = new FormData();
    form.append('metadata', '{not json');
    form.append('file', new Blob([bytes]), 'file');
    const r3 = await fetch(`${s.url}/api/v0/storage/add_file`, { method: 'POST', body: form });
    assert.equal(r3.status, 422);
    // The same, with the file first: staged, then dropped.
    const r4 = await upload(s.url, [
      ['file', bytes],
      ['metadata', { ...msg, item_content: '{"bad": ' }],
    ]);
    assert.equal(r4.status, 422);
    const r5 = await upload(s.url, [
      ['file', bytes],
      ['metadata', other],
    ]);
    assert.equal(r5.body.error_code, 'STORE_HASH_MISMATCH');
    await assertNothingLeft(before, itemHashOf(bytes));
  });

  it('a STORE refused by the writer (not authorized) takes its new bytes away with it', async () => {
    const before = s.stored();
    const bytes = bytesOf(2 * KiB);
    const msg = await sign(mallory, buildStore({ sender: mallory.address, address: alice.address, file: bytes }));
    const r = await upload(s.url, [
      ['metadata', msg],
      ['file', bytes],
    ]);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'NOT_AUTHORIZED');
    await assertNothingLeft(before, itemHashOf(bytes));
  });

  it('a refused STORE does not take away bytes another STORE uses', async () => {
    const bytes = bytesOf(2 * KiB);
    const good = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    assert.equal(
      (
        await upload(s.url, [
          ['metadata', good],
          ['file', bytes],
        ])
      ).status,
      200,
    );
    const bad = await sign(mallory, buildStore({ sender: mallory.address, address: alice.address, file: bytes }));
    assert.equal(
      (
        await upload(s.url, [
          ['metadata', bad],
          ['file', bytes],
        ])
      ).status,
      422,
    );
    assert.equal((await fetch(`${s.url}/api/v0/storage/raw/${good.item_hash}`)).status, 200);
  });

  it('a storage message whose content file is over the cap is refused without reading it whole', async () => {
    const unsigned = buildPost({ sender: alice.address, type: 'note', content: { pad: 'p'.repeat(CAP * 2) } });
    const text = Buffer.from(serializeContent(unsigned));
    // The file itself may be stored (a signed STORE lifts the upload cap)...
    const store = await sign(alice, buildStore({ sender: alice.address, file: text }));
    assert.equal(
      (
        await upload(s.url, [
          ['metadata', store],
          ['file', text],
        ])
      ).status,
      200,
    );
    // ...but as message content it is read whole, so the content cap holds.
    const post = await signMessage(alice, unsigned, { storageHash: itemHashOf(text) });
    const r = await postMessage(s.url, post);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'MESSAGE_CONTENT_TOO_LARGE');
    assert.equal((await getJson(s.url, `/api/v0/messages/${post.item_hash}`)).body.status, 'rejected');
    assert.equal((await getJson(s.url, '/api/v0/height')).status, 200);
  });

  it('a multipart body of many fields is refused instead of held in memory', async () => {
    const form = new FormData();
    for (let i = 0; i < 50; i++) form.append(`f${i}`, 'v'.repeat(1000));
    form.append('file', new Blob([Buffer.from('x')]), 'file');
    const r = await fetch(`${s.url}/api/v0/storage/add_file`, { method: 'POST', body: form });
    assert.equal(r.status, 413);
    assert.equal((await getJson(s.url, '/api/v0/height')).status, 200);
  });

  it('an upload cut off mid-way leaves no staging file', async () => {
    const before = s.stored();
    const boundary = 'x-boundary';
    const url = new URL(`${s.url}/api/v0/storage/add_file`);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(CAP) },
    });
    req.on('error', () => undefined);
    req.write(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="f"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    );
    req.write(Buffer.alloc(16 * KiB, 1));
    await eventually('the upload to be staged', () => s.staged().length > 0);
    req.destroy();
    await assertNothingLeft(before);
  });
});
