import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildStore } from '../../client/messages/buildStore.js';
import {
  deployProgram,
  getJson,
  newAccount,
  postMessage,
  sign,
  storeFile,
  uploadWithStore,
  useTestNode,
} from '../testing/nodeHarness.js';

describe('STORE', () => {
  const alice = newAccount();
  const bob = newAccount();
  const h = useTestNode();

  it('serves the uploaded bytes by file hash and by STORE hash', async () => {
    const bytes = Buffer.from('hello file');
    const hash = await storeFile(h.url, alice, bytes);
    const r = await fetch(`${h.url}/api/v0/storage/raw/${hash}`);
    assert.equal(r.status, 200);
    assert.equal(Buffer.from(await r.arrayBuffer()).toString(), 'hello file');
  });

  it('refuses an upload whose bytes do not match the STORE hash, and keeps nothing', async () => {
    const msg = await sign(alice, buildStore({ sender: alice.address, file: Buffer.from('what I signed') }));
    const r = await uploadWithStore(h.url, Buffer.from('what I sent instead'), msg);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'STORE_HASH_MISMATCH');
    assert.equal((await getJson(h.url, `/api/v0/messages/${msg.item_hash}`)).body.status, 'rejected');
    const sentHash = (await import('../../protocol/index.js')).itemHashOf(Buffer.from('what I sent instead'));
    assert.equal((await fetch(`${h.url}/api/v0/storage/raw/${sentHash}`)).status, 404);
  });

  it('keeps a STORE pending until its file arrives, then processes it', async () => {
    const bytes = Buffer.from('late file');
    const msg = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
    const r = await postMessage(h.url, msg);
    assert.equal(r.status, 202);
    assert.equal((await getJson(h.url, `/api/v0/messages/${msg.item_hash}`)).body.status, 'pending');
    await uploadWithStore(h.url, bytes);
    assert.equal((await getJson(h.url, `/api/v0/messages/${msg.item_hash}`)).body.status, 'processed');
  });

  it('amend by the owner is accepted and becomes the latest; amend of an amend and amend by a stranger are refused', async () => {
    const original = await storeFile(h.url, alice, Buffer.from('v1'));
    const amend = await storeFile(h.url, alice, Buffer.from('v2'), original);
    const { id } = await deployProgram(h.url, alice, {});
    // A program using the original with use_latest resolves to the newest amend.
    const code = await storeFile(h.url, alice, Buffer.from('code-for-latest'));
    const p = await deployProgram(h.url, alice, {
      volumes: [{ mount: '/data', ref: original, use_latest: true }],
      runtime: code,
    });
    const view = (await getJson(h.url, `/api/v0/programs/${p.id}`)).body;
    const vol = view.resolved.find((r: { kind: string }) => r.kind === 'volume');
    assert.equal(vol.version, amend);
    assert.ok(id);

    const third = await storeFile(h.url, alice, Buffer.from('v3'), original);
    const after3 = (await getJson(h.url, `/api/v0/programs/${p.id}`)).body;
    assert.equal(after3.resolved.find((r: { kind: string }) => r.kind === 'volume').version, third);
    assert.equal(after3.edition, view.edition + 1);

    const bytes = Buffer.from('v2b');
    const ofAmend = await sign(alice, buildStore({ sender: alice.address, file: bytes, ref: amend }));
    const r1 = await uploadWithStore(h.url, bytes, ofAmend);
    assert.equal(r1.status, 422);
    assert.equal(r1.body.error_code, 'STORE_AMEND_OF_AMEND');

    const bytes2 = Buffer.from('stolen');
    const byBob = await sign(bob, buildStore({ sender: bob.address, file: bytes2, ref: original }));
    const r2 = await uploadWithStore(h.url, bytes2, byBob);
    assert.equal(r2.status, 422);
    assert.equal(r2.body.error_code, 'AMEND_NOT_OWNER');
    const still = (await getJson(h.url, `/api/v0/programs/${p.id}`)).body;
    assert.equal(still.resolved.find((r: { kind: string }) => r.kind === 'volume').version, third);
  });
});
