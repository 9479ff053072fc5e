import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { buildPost } from '../../client/messages/buildPost.js';
import { itemHashOf } from '../../protocol/index.js';
import { readAfterSending as readAfter } from '../../protocol/testing/readAfterSending.js';
import { getJson, newAccount, postMessage, sign } from '../testing/nodeHarness.js';
import { startStorageNode, type StorageNode } from '../testing/storageHarness.js';

const MiB = 1024 * 1024;
const CAP = 4096;

describe("refused messages cost the node little: no content kept, and bodies far past aleph's cap are 413", () => {
  let s: StorageNode;
  const alice = newAccount();
  before(async () => {
    s = await startStorageNode({ maxRejectedContentChars: CAP });
  });
  after(async () => {
    await s.close();
  });

  const storeBytes = () =>
    ['node.sqlite', 'node.sqlite-wal'].reduce(
      (n, f) => n + (statSync(join(s.home, f), { throwIfNoEntry: false })?.size ?? 0),
      0,
    );

  it('twenty unsigned 1.5 MB bodies are refused and keep at most the cap each', async () => {
    const before = storeBytes();
    const hashes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const content = JSON.stringify({ type: 'junk', address: alice.address, content: 'x'.repeat(1_500_000), time: i });
      const item_hash = itemHashOf(content);
      hashes.push(item_hash);
      // Past the 200,000-char inline cap, with junk in every field: each is refused.
      const r = await postMessage(s.url, {
        chain: 'ETH',
        sender: alice.address,
        type: 'POST',
        channel: 'c'.repeat(100_000),
        time: i,
        item_type: 'inline',
        item_content: content,
        item_hash,
        signature: '0x' + 'ab'.repeat(50_000),
      });
      assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
    }
    const grown = storeBytes() - before;
    assert.ok(grown < 2 * MiB, `the store grew ${grown} bytes for 30 MB of refused bodies`);
    const rows = await s.node.db
      .selectFrom('messages')
      .select(['item_content', 'channel', 'signature', 'details', 'content'])
      .where('item_hash', 'in', hashes)
      .execute();
    assert.equal(rows.length, 20);
    for (const r of rows) {
      assert.ok((r.item_content?.length ?? 0) <= CAP);
      assert.ok((r.channel?.length ?? 0) <= CAP);
      assert.ok(r.signature.length <= CAP);
      assert.ok((r.details?.length ?? 0) <= CAP + 100);
      assert.equal(r.content, null);
    }
    const shown = await getJson(s.url, `/api/v0/messages/${hashes[0]}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.status, 'rejected');
    // Every field is junk: which rule speaks first is the parser's order; what matters is the refusal and the caps.
    assert.match(shown.body.error_code, /^MESSAGE_[A-Z_]+$/);
    assert.ok(shown.body.message.item_content.length <= CAP);
  });

  it('a refused message whose content is not JSON reads back as rejected, not as a 500', async () => {
    const content = 'not json at all';
    const item_hash = itemHashOf(content);
    const r = await postMessage(s.url, {
      chain: 'ETH',
      sender: alice.address,
      type: 'POST',
      channel: 'TEST',
      time: 1,
      item_type: 'inline',
      item_content: content,
      item_hash,
      signature: '0x' + '00'.repeat(65),
    });
    assert.equal(r.status, 422);
    const shown = await getJson(s.url, `/api/v0/messages/${item_hash}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.status, 'rejected');
  });

  it('a body far past the limit is 413 from its content-length, before the node reads it', async () => {
    const url = new URL(`${s.url}/api/v0/messages`);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(512 * MiB) },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // Only the first bytes are ever sent: the answer must not wait for the other 512 MiB.
      req.write('{"message": {"item_content": "');
    });
    assert.equal(answer.status, 413);
    assert.match(answer.body, /too large/i);
    // Its own stable code, with the limit the client ran into (2 MiB, the node's default maxMessageBodyBytes).
    const refusal = JSON.parse(answer.body) as { error_code: string; details: { max_bytes: number } };
    assert.equal(refusal.error_code, 'REQUEST_BODY_TOO_LARGE');
    assert.equal(refusal.details.max_bytes, 2 * MiB);
    // An ordinary message still goes through.
    const ok = await postMessage(
      s.url,
      await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { fine: true } })),
    );
    assert.equal(ok.status, 200);
  });

  it('a streamed body with no content-length is cut at the limit too', async () => {
    const url = new URL(`${s.url}/api/v0/messages`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => undefined);
      req.write('{"message": {"item_content": "');
      const chunk = 'z'.repeat(256 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 64 * MiB) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end('"}}');
      };
      pump();
      setTimeout(() => reject(new Error('no answer')), 10_000).unref();
    });
    assert.equal(status, 413);
    assert.equal((await getJson(s.url, '/api/v0/height')).status, 200);
  });

  const readAfterSending = (head: string) => readAfter(s.url, head);

  it('a client that reads only after sending its whole body still reads the 413, not a reset', async () => {
    // The node answers at 2 MiB and closes; had it closed with bytes unread, the kernel's reset would drop the
    // answer waiting in this client's buffer (what a busy client, or one that writes before reading, runs into).
    const answer = await readAfterSending('POST /api/v0/messages HTTP/1.1\r\ncontent-type: application/json');
    assert.match(answer, /^HTTP\/1\.1 413 /, answer.slice(0, 200));
    assert.match(answer, /REQUEST_BODY_TOO_LARGE/);
  });

  it('the same for an answer given before any of the body is read (a content type no parser takes)', async () => {
    const answer = await readAfterSending('POST /api/v0/messages HTTP/1.1\r\ncontent-type: application/x-unknown');
    assert.match(answer, /^HTTP\/1\.1 415 /, answer.slice(0, 200));
    assert.match(answer, /REQUEST_MEDIA_TYPE_UNSUPPORTED/);
    assert.equal((await getJson(s.url, '/api/v0/height')).status, 200);
  });
});
