import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipfsAddFileAnswerSchema, ipfsAddJsonAnswerSchema } from '../../protocol/api/ipfsSchemas.js';
import { processedMessageStatusSchema } from '../../protocol/api/messageSchemas.js';
import { verificationBuffer } from '../../protocol/index.js';
import type { LocalAlephAccount } from '../../client/accounts/account.js';
import { createNode, type RunningNode } from '../createNode.js';
import { cidOf } from '../ipfs/unixfsCid.js';
import { getJson, newAccount, postMessage, signRaw } from '../testing/nodeHarness.js';

const HELLO_CID = 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** aiohttp's FormData for `add_field("file", BytesIO(...))` (aleph-sdk-python `ipfs_push_file`), metadata first. */
async function addFile(url: string, file: Uint8Array, metadata?: object) {
  const form = new FormData();
  if (metadata) form.append('metadata', JSON.stringify(metadata));
  form.append('file', new Blob([new Uint8Array(file)]), 'file');
  const r = await fetch(`${url}/api/v0/ipfs/add_file`, { method: 'POST', body: form });
  return { status: r.status, body: (await r.json()) as any };
}

/** The SDK's `create_store(storage_engine=ipfs)` STORE, item_content as Python's `json.dumps(separators=(",", ":"))`. */
async function ipfsStore(account: LocalAlephAccount, cid: string) {
  const time = Date.now() / 1000;
  const content = JSON.stringify({ address: account.address, item_type: 'ipfs', item_hash: cid, time });
  return signRaw(account, 'STORE', content, { time, channel: 'ALEPH-CLOUDSOLUTIONS' });
}

const bytesAt = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()), headers: r.headers };
};

describe('the embedded IPFS: /api/v0/ipfs/add_file, add_json, /ipfs/{cid}, storage/raw/{cid}', () => {
  let node: RunningNode;
  let home: string;
  const alice = newAccount();
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-ipfs-'));
    node = await createNode({ home, port: 0, signatureWorkers: 0, maxUnauthenticatedUploadBytes: 8 * 1024 * 1024 });
  });
  after(async () => {
    await node.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("answers kubo's CID in pyaleph's shape and serves the bytes back by CID", async () => {
    const r = await addFile(node.url, Buffer.from('hello world\n'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(ipfsAddFileAnswerSchema.parse(r.body), {
      status: 'success',
      hash: HELLO_CID,
      name: 'file',
      size: 12,
    });
    for (const path of [`/ipfs/${HELLO_CID}`, `/api/v0/storage/raw/${HELLO_CID}`]) {
      const got = await bytesAt(`${node.url}${path}`);
      assert.equal(got.status, 200, path);
      assert.equal(got.bytes.toString(), 'hello world\n', path);
    }
    assert.equal((await bytesAt(`${node.url}/ipfs/${HELLO_CID}`)).headers.get('x-ipfs-path'), `/ipfs/${HELLO_CID}`);
  });

  it('the Python SDK flow: a 5 MiB file to ipfs/add_file, a STORE with item_type ipfs, read back byte-identical', async () => {
    const file = randomBytes(5 * 1024 * 1024);
    const up = await addFile(node.url, file);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const cid = ipfsAddFileAnswerSchema.parse(up.body).hash;
    assert.equal(cid, await cidOf([file]));
    assert.equal(up.body.size, file.length);
    const store = await ipfsStore(alice, cid);
    const r = await postMessage(node.url, store);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const status = processedMessageStatusSchema.parse(
      (await getJson(node.url, `/api/v0/messages/${store.item_hash as string}`)).body,
    );
    assert.equal((status.message.content as { item_type?: string }).item_type, 'ipfs');
    // download_file(file_hash) reads storage/raw/{cid}; by the STORE's hash and at the gateway too.
    for (const path of [
      `/api/v0/storage/raw/${cid}`,
      `/api/v0/storage/raw/${store.item_hash as string}`,
      `/ipfs/${cid}`,
    ]) {
      const got = await bytesAt(`${node.url}${path}`);
      assert.equal(got.status, 200, path);
      assert.equal(sha256(got.bytes), sha256(file), path);
    }
  });

  it('with a signed STORE in metadata (pyaleph): processed in the same call; the CID must match', async () => {
    const file = randomBytes(300 * 1024);
    const cid = await cidOf([file]);
    const store = await ipfsStore(alice, cid);
    const r = await addFile(node.url, file, { message: store, sync: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(ipfsAddFileAnswerSchema.parse(r.body).hash, cid);
    assert.equal((await getJson(node.url, `/api/v0/messages/${store.item_hash as string}`)).body.status, 'processed');
  });

  it('a CID that does not match the bytes: 422 IPFS_CID_MISMATCH and nothing stored under either name', async () => {
    const file = randomBytes(4000);
    const store = await ipfsStore(alice, HELLO_CID);
    const r = await addFile(node.url, file, { message: store, sync: true });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, 'IPFS_CID_MISMATCH');
    assert.equal(r.body.details.declared, HELLO_CID);
    const actual = await cidOf([file]);
    assert.equal(r.body.details.actual, actual);
    assert.equal((await bytesAt(`${node.url}/ipfs/${actual}`)).status, 404);
    assert.equal((await bytesAt(`${node.url}/api/v0/storage/raw/${sha256(file)}`)).status, 404);
    assert.notEqual(
      (await getJson(node.url, `/api/v0/messages/${store.item_hash as string}`)).body.status,
      'processed',
    );
    // A storage STORE sent to the IPFS endpoint declares a sha256: the same refusal.
    const storage = await signRaw(
      alice,
      'STORE',
      JSON.stringify({
        address: alice.address,
        item_type: 'storage',
        item_hash: sha256(file),
        time: Date.now() / 1000,
      }),
    );
    assert.equal((await addFile(node.url, file, { message: storage })).body.error_code, 'IPFS_CID_MISMATCH');
  });

  it('malformed CIDs are 400 IPFS_CID_INVALID; a well-formed unknown one is 404', async () => {
    for (const bad of ['QmNotACid', '..%2F..%2Fnode.sqlite', 'a'.repeat(64)]) {
      const r = await getJson(node.url, `/ipfs/${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.error_code, 'IPFS_CID_INVALID', bad);
    }
    const unknown = await cidOf([randomBytes(10)]);
    assert.equal((await getJson(node.url, `/ipfs/${unknown}`)).body.error_code, 'FILE_NOT_FOUND');
    assert.equal((await getJson(node.url, `/api/v0/storage/raw/${unknown}`)).status, 404);
  });

  it('hostile uploads: a STORE naming a path instead of a CID, no file, two files; each refused, the node answering', async () => {
    const file = randomBytes(100);
    const bad = await signRaw(
      alice,
      'STORE',
      JSON.stringify({
        address: alice.address,
        item_type: 'ipfs',
        item_hash: 'Qm../../node.sqlite',
        time: Date.now() / 1000,
      }),
    );
    const r = await addFile(node.url, file, { message: bad });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, 'CONTENT_INVALID');
    assert.equal((await bytesAt(`${node.url}/ipfs/${await cidOf([file])}`)).status, 404);
    const none = await fetch(`${node.url}/api/v0/ipfs/add_file`, { method: 'POST', body: new FormData() });
    assert.equal(((await none.json()) as { error_code: string }).error_code, 'UPLOAD_INVALID');
    const two = new FormData();
    two.append('file', new Blob([file]), 'a');
    two.append('file', new Blob([file]), 'b');
    const t = await fetch(`${node.url}/api/v0/ipfs/add_file`, { method: 'POST', body: two });
    assert.ok(t.status >= 400 && t.status < 500, String(t.status));
    assert.equal((await getJson(node.url, '/api/v0/height')).status, 200);
  });

  it('an anonymous upload over the cap: 413 FILE_TOO_LARGE, nothing kept, the node still answers', async () => {
    const file = randomBytes(8 * 1024 * 1024 + 1);
    const r = await addFile(node.url, file);
    assert.equal(r.status, 413, JSON.stringify(r.body));
    assert.equal(r.body.error_code, 'FILE_TOO_LARGE');
    assert.equal((await bytesAt(`${node.url}/api/v0/storage/raw/${sha256(file)}`)).status, 404);
    assert.equal((await getJson(node.url, '/api/v0/height')).status, 200);
  });

  it('a STORE that comes before its file waits (pending) and is processed when the file arrives', async () => {
    const file = randomBytes(1000);
    const cid = await cidOf([file]);
    const store = await ipfsStore(alice, cid);
    assert.equal((await postMessage(node.url, store)).status, 202);
    assert.equal((await addFile(node.url, file)).status, 200);
    assert.equal((await getJson(node.url, `/api/v0/messages/${store.item_hash as string}`)).body.status, 'processed');
  });

  it('a message with item_type ipfs: its content is fetched by CID (add_json), checked and processed', async () => {
    const time = Date.now() / 1000;
    const content = JSON.stringify({ type: 'test', address: alice.address, content: { hello: 'ipfs' }, time });
    const r = await fetch(`${node.url}/api/v0/ipfs/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: content,
    });
    const cid = ipfsAddJsonAnswerSchema.parse(await r.json()).hash;
    assert.equal(cid, await cidOf([Buffer.from(content)]));
    const signature = await alice.signMessage({
      message: verificationBuffer({ chain: 'ETH', sender: alice.address, type: 'POST', item_hash: cid }),
    });
    const message = {
      chain: 'ETH',
      sender: alice.address,
      type: 'POST',
      channel: 'TEST',
      time,
      item_type: 'ipfs',
      item_hash: cid,
      signature,
    };
    const p = await postMessage(node.url, message);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    const got = processedMessageStatusSchema.parse((await getJson(node.url, `/api/v0/messages/${cid}`)).body);
    assert.deepEqual((got.message.content as { content?: unknown }).content, { hello: 'ipfs' });
  });
});
