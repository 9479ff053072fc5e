import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildForget } from '../../client/messages/buildForget.js';
import type { LocalAlephAccount } from '../../client/accounts/account.js';
import { ipfsAddFileAnswerSchema, ipfsAddJsonAnswerSchema } from '../../protocol/api/ipfsSchemas.js';
import { verificationBuffer, type MessageType } from '../../protocol/index.js';
import { UploadGc } from '../files/uploadGc.js';
import { getJson, newAccount, postMessage, sign, signRaw, useTestNode } from '../testing/nodeHarness.js';

/** A message stored on IPFS, as the SDKs send large content: the content to add_json, the envelope named by its CID. */
async function ipfsMessage(url: string, account: LocalAlephAccount, type: MessageType, content: object) {
  const r = await fetch(`${url}/api/v0/ipfs/add_json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(content),
  });
  const cid = ipfsAddJsonAnswerSchema.parse(await r.json()).hash;
  const signature = await account.signMessage({
    message: verificationBuffer({ chain: 'ETH', sender: account.address, type, item_hash: cid }),
  });
  return {
    chain: 'ETH',
    sender: account.address,
    type,
    channel: 'TEST',
    time: Date.now() / 1000,
    item_type: 'ipfs',
    item_hash: cid,
    signature,
  };
}

async function addFile(url: string, bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), 'file');
  const r = await fetch(`${url}/api/v0/ipfs/add_file`, { method: 'POST', body: form });
  return ipfsAddFileAnswerSchema.parse(await r.json()).hash;
}

const served = async (url: string, cid: string) => (await fetch(`${url}/ipfs/${cid}`)).status === 200;
const statusOf = async (url: string, hash: string) => (await getJson(url, `/api/v0/messages/${hash}`)).body.status;

describe('IPFS-named messages and files: amend, forget, collection', () => {
  const alice = newAccount();
  const h = useTestNode();

  const storeOf = (cid: string, ref?: string) => ({
    address: alice.address,
    item_type: 'ipfs',
    item_hash: cid,
    time: Date.now() / 1000,
    ...(ref ? { ref } : {}),
  });

  it('a STORE named by a CID can be amended and forgotten by that CID (aleph-message takes CIDs as ItemHash)', async () => {
    const original = await ipfsMessage(h.url, alice, 'STORE', storeOf(await addFile(h.url, randomBytes(100))));
    assert.equal((await postMessage(h.url, original)).status, 200);
    const amend = await signRaw(
      alice,
      'STORE',
      JSON.stringify(storeOf(await addFile(h.url, randomBytes(100)), original.item_hash)),
    );
    assert.equal((await postMessage(h.url, amend)).status, 200);
    const forget = await sign(alice, buildForget({ sender: alice.address, hashes: [original.item_hash] }));
    const f = await postMessage(h.url, forget);
    assert.equal(f.status, 200, JSON.stringify(f.body));
    assert.equal(await statusOf(h.url, original.item_hash), 'forgotten');
  });

  it('a refused message named by a CID is recorded as rejected, so GET /messages/{cid} tells the sender why', async () => {
    const m = await ipfsMessage(h.url, alice, 'POST', {
      type: 'note',
      address: alice.address,
      content: {},
      time: Date.now() / 1000,
    });
    const r = await postMessage(h.url, { ...m, colour: 'red' });
    assert.equal(r.body.error_code, 'MESSAGE_UNKNOWN_FIELD');
    const got = await getJson(h.url, `/api/v0/messages/${m.item_hash}`);
    assert.equal(got.body.status, 'rejected', JSON.stringify(got.body));
  });

  it('the collector keeps files named by CID that messages use, and collects an IPFS upload nobody names', async () => {
    const lonely = await addFile(h.url, randomBytes(500));
    const named = await addFile(h.url, randomBytes(500));
    assert.equal((await postMessage(h.url, await signRaw(alice, 'STORE', JSON.stringify(storeOf(named))))).status, 200);
    // A STORE stored on IPFS whose file has not come: pending, and its own content file must stay for the retry.
    const waiting = await ipfsMessage(h.url, alice, 'STORE', storeOf('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'));
    assert.equal((await postMessage(h.url, waiting)).status, 202);
    // A processed POST stored on IPFS: its content file is the message.
    const post = await ipfsMessage(h.url, alice, 'POST', {
      type: 'note',
      address: alice.address,
      content: {},
      time: Date.now() / 1000,
    });
    assert.equal((await postMessage(h.url, post)).status, 200);

    const gc = new UploadGc(h.node.db, h.node.files, {
      graceSeconds: 10,
      intervalSeconds: 3600,
      now: () => Date.now() / 1000 + 60,
    });
    await gc.runOnce();
    assert.equal(await served(h.url, lonely), false);
    assert.equal(await served(h.url, named), true);
    assert.equal(await served(h.url, waiting.item_hash), true);
    assert.equal(await served(h.url, post.item_hash), true);
    assert.equal(await statusOf(h.url, post.item_hash), 'processed');
  });
});
