import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildStore } from '../../client/messages/buildStore.js';
import { serializeContent, signMessage } from '../../client/messages/signMessage.js';
import { itemHashOf } from '../../protocol/index.js';
import { getJson, newAccount, postMessage, sign, uploadWithStore } from '../testing/nodeHarness.js';
import { eventually, startStorageNode } from '../testing/storageHarness.js';
import { UploadGc } from './uploadGc.js';

const served = async (url: string, hash: string) => (await fetch(`${url}/api/v0/storage/raw/${hash}`)).status === 200;

describe('uploads no STORE names are collected after the grace period', () => {
  const alice = newAccount();

  it('the periodic collector deletes an anonymous upload, and keeps files a message uses', async () => {
    const s = await startStorageNode({ uploadGraceSeconds: 1, uploadGcIntervalSeconds: 0.05 });
    try {
      const lonely = Buffer.from(`nobody names me ${Math.random()}`);
      assert.equal((await uploadWithStore(s.url, lonely)).status, 200);
      // Named by an accepted STORE.
      const stored = Buffer.from(`stored ${Math.random()}`);
      const store = await sign(alice, buildStore({ sender: alice.address, file: stored }));
      assert.equal((await uploadWithStore(s.url, stored, store)).status, 200);
      // The content of a storage-type message, uploaded before it.
      const unsigned = buildPost({ sender: alice.address, type: 'note', content: { kept: true } });
      const text = serializeContent(unsigned);
      const post = await signMessage(alice, unsigned, { storageHash: itemHashOf(text) });
      assert.equal((await uploadWithStore(s.url, Buffer.from(text))).status, 200);
      assert.equal((await postMessage(s.url, post)).status, 200);
      // Awaited by a pending STORE whose file is uploaded anonymously, then the STORE's own bytes arrive.
      const late = Buffer.from(`late ${Math.random()}`);
      const pending = await sign(alice, buildStore({ sender: alice.address, file: late }));
      assert.equal((await postMessage(s.url, pending)).status, 202);
      assert.equal((await uploadWithStore(s.url, late)).status, 200);

      await eventually('the anonymous upload to be collected', async () => !(await served(s.url, itemHashOf(lonely))));
      assert.equal(s.stored().count, 3);
      assert.ok(await served(s.url, store.item_hash));
      assert.ok(await served(s.url, itemHashOf(text)));
      assert.ok(await served(s.url, pending.item_hash));
      assert.equal(
        (await s.node.db.selectFrom('files').select('hash').where('hash', '=', itemHashOf(lonely)).execute()).length,
        0,
      );
      assert.equal((await getJson(s.url, `/api/v0/messages/${post.item_hash}`)).body.status, 'processed');
    } finally {
      await s.close();
    }
  });

  it('with an injected clock: nothing is collected within the grace period, the unused file right after it', async () => {
    const s = await startStorageNode({ uploadGcIntervalSeconds: 3600 });
    try {
      const bytes = Buffer.from(`clocked ${Math.random()}`);
      assert.equal((await uploadWithStore(s.url, bytes)).status, 200);
      const kept = Buffer.from(`kept ${Math.random()}`);
      const store = await sign(alice, buildStore({ sender: alice.address, file: kept }));
      assert.equal((await uploadWithStore(s.url, kept, store)).status, 200);
      let now = Date.now() / 1000;
      const gc = new UploadGc(s.node.db, s.node.files, { graceSeconds: 3600, intervalSeconds: 3600, now: () => now });
      assert.deepEqual(await gc.runOnce(), []);
      now += 3601;
      assert.deepEqual(await gc.runOnce(), [itemHashOf(bytes)]);
      assert.equal(await served(s.url, itemHashOf(bytes)), false);
      assert.ok(await served(s.url, store.item_hash));
      // A STORE that comes late finds the file gone and waits for it, as for any missing file.
      const tooLate = await sign(alice, buildStore({ sender: alice.address, file: bytes }));
      assert.equal((await postMessage(s.url, tooLate)).status, 202);
    } finally {
      await s.close();
    }
  });

  it('staging files left by a crash are deleted when the node starts; fresh ones are not', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-storage-'));
    const tmp = join(home, 'files', 'tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'stale'), Buffer.alloc(4096));
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(tmp, 'stale'), old, old);
    writeFileSync(join(tmp, 'fresh'), Buffer.alloc(16));
    const s = await startStorageNode({}, home);
    try {
      assert.deepEqual(s.staged(), ['fresh']);
      assert.equal((await getJson(s.url, '/api/v0/height')).status, 200);
    } finally {
      await s.close();
    }
  });

  it('a pending STORE whose file never comes is kept for pendingExpirySeconds, then dropped', async () => {
    const s = await startStorageNode({ uploadGcIntervalSeconds: 3600 });
    try {
      const never = await sign(
        alice,
        buildStore({ sender: alice.address, file: Buffer.from(`never uploaded ${Math.random()}`) }),
      );
      assert.equal((await postMessage(s.url, never)).status, 202);
      let now = Date.now() / 1000;
      const gc = new UploadGc(s.node.db, s.node.files, {
        graceSeconds: 3600,
        intervalSeconds: 3600,
        pendingExpirySeconds: 24 * 3600,
        now: () => now,
      });
      now += 23 * 3600;
      await gc.runOnce();
      assert.equal((await getJson(s.url, `/api/v0/messages/${never.item_hash}`)).body.status, 'pending');
      now += 2 * 3600;
      await gc.runOnce();
      assert.equal((await getJson(s.url, `/api/v0/messages/${never.item_hash}`)).status, 404);
      // Dropped, not refused: the same STORE may be sent again, and waits again.
      assert.equal((await postMessage(s.url, never)).status, 202);
    } finally {
      await s.close();
    }
  });
});
