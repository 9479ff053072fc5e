import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, signRaw, useTestNode } from '../testing/nodeHarness.js';

const now = () => Date.now() / 1000;

describe('hash-like fields are hashes: anything else is refused before it reaches a lookup or a path', () => {
  const alice = newAccount();
  const h = useTestNode();

  async function expectRefused(message: Record<string, unknown>, code: string, field?: string): Promise<void> {
    const r = await postMessage(h.url, message);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, code, JSON.stringify(r.body));
    if (field) assert.equal(r.body.details.field, field);
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200);
  }

  const store = (itemType: string, itemHash: string, extra = '') =>
    `{"address":"${alice.address}","time":${now()},"item_type":"${itemType}","item_hash":${JSON.stringify(itemHash)}${extra}}`;

  it('a STORE whose item_hash is ../../node/node.sqlite is refused (CONTENT_INVALID on item_hash)', async () => {
    await expectRefused(
      await signRaw(alice, 'STORE', store('storage', '../../node/node.sqlite')),
      'CONTENT_INVALID',
      'item_hash',
    );
    // Upper-case hex is not the sha256 this node names files by either.
    await expectRefused(
      await signRaw(alice, 'STORE', store('storage', 'A'.repeat(64))),
      'CONTENT_INVALID',
      'item_hash',
    );
  });

  it('by item_type: an ipfs STORE needs a CID (a valid CID the node has no file for waits for it)', async () => {
    await expectRefused(
      await signRaw(alice, 'STORE', store('ipfs', 'Qm../../etc/passwd')),
      'CONTENT_INVALID',
      'item_hash',
    );
    await expectRefused(await signRaw(alice, 'STORE', store('ipfs', 'a'.repeat(64))), 'CONTENT_INVALID', 'item_hash');
    for (const cid of [
      'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
      'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
    ]) {
      const r = await postMessage(h.url, await signRaw(alice, 'STORE', store('ipfs', cid)));
      assert.equal(r.status, 202, JSON.stringify(r.body));
    }
  });

  it('the envelope item_hash of a storage message is a file name too: a path is refused MESSAGE_ITEM_HASH_INVALID', async () => {
    const m = await signRaw(alice, 'POST', '{}');
    const { item_content: _c, ...envelope } = m;
    await expectRefused(
      { ...envelope, item_type: 'storage', item_hash: '../../node/node.sqlite' },
      'MESSAGE_ITEM_HASH_INVALID',
      'item_hash',
    );
    await expectRefused(
      { ...envelope, item_type: 'ipfs', item_hash: 'b' + '!'.repeat(58) },
      'MESSAGE_ITEM_HASH_INVALID',
      'item_hash',
    );
  });

  it('siblings: FORGET hashes and aggregates, a STORE ref, an amend ref, a PROGRAM replaces', async () => {
    const forget = (hashes: string, aggregates = '') =>
      `{"address":"${alice.address}","time":${now()},"hashes":${hashes}${aggregates}}`;
    await expectRefused(await signRaw(alice, 'FORGET', forget('["../x"]')), 'CONTENT_INVALID', 'hashes.0');
    await expectRefused(
      await signRaw(alice, 'FORGET', forget(`["${'a'.repeat(64)}"]`, ',"aggregates":["../y"]')),
      'CONTENT_INVALID',
      'aggregates.0',
    );
    await expectRefused(
      await signRaw(alice, 'STORE', store('storage', 'a'.repeat(64), ',"ref":"../../z"')),
      'CONTENT_INVALID',
      'ref',
    );
    const amend = `{"type":"amend","address":"${alice.address}","content":{},"time":${now()},"ref":"../../node"}`;
    await expectRefused(await signRaw(alice, 'POST', amend), 'CONTENT_INVALID', 'ref');
    const program = JSON.stringify({
      address: alice.address,
      time: now(),
      type: 'vm-function',
      replaces: '../p',
      code: { encoding: 'zip', entrypoint: 'main:app', ref: 'a'.repeat(64) },
      on: { http: true },
      runtime: { ref: 'b'.repeat(64) },
    });
    await expectRefused(await signRaw(alice, 'PROGRAM', program), 'CONTENT_INVALID', 'replaces');
  });

  it('GET /messages/{hash} with a malformed hash is a request error (422 REQUEST_PATH_INVALID), not a lookup', async () => {
    for (const bad of ['..%2F..%2Fnode.sqlite', 'zz', 'A'.repeat(64), `${'a'.repeat(64)}%20`]) {
      const r = await getJson(h.url, `/api/v0/messages/${bad}`);
      assert.equal(r.status, 422, bad);
      assert.equal(r.body.error_code, 'REQUEST_PATH_INVALID');
      assert.equal(r.body.details.field, 'hash');
      assert.equal(r.body.message_status, undefined, 'a malformed request is not a refused message');
    }
    // A well-formed hash that names nothing is still a 404, and a real one answers.
    assert.equal((await getJson(h.url, `/api/v0/messages/${'a'.repeat(64)}`)).status, 404);
    const m = await sign(alice, buildPost({ sender: alice.address, type: 'test', content: {} }));
    assert.equal((await postMessage(h.url, m)).status, 200);
    assert.equal((await getJson(h.url, `/api/v0/messages/${m.item_hash}`)).body.status, 'processed');
  });

  it('siblings: /programs/{id}, /programs/{id}/history and /aggregates/{address} with garbage are 422', async () => {
    for (const path of [
      '/api/v0/programs/..%2Fx',
      '/api/v0/programs/nothex/history',
      '/api/v0/aggregates/0xnot-an-address.json',
    ]) {
      const r = await getJson(h.url, path);
      assert.equal(r.status, 422, path);
      assert.equal(r.body.error_code, 'REQUEST_PATH_INVALID', path);
    }
    assert.equal((await getJson(h.url, `/api/v0/programs/${'c'.repeat(64)}`)).status, 404);
  });
});
