import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { newAccount, storeFile } from '../testing/nodeHarness.js';
import { startTestCluster, type TestCluster } from '../testing/clusterHarness.js';
import { testPgServer } from '../testing/testStore.js';

const skip = !testPgServer() && 'needs ALEPH_TEST_PG (several core nodes share one PostgreSQL)';

async function raw(url: string, hash: string): Promise<{ status: number; bytes: Buffer }> {
  const r = await fetch(`${url}/api/v0/storage/raw/${hash}`);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()) };
}

describe('files on a shared PostgreSQL store: uploaded to one core node, readable from every one', { skip }, () => {
  let c: TestCluster;
  const alice = newAccount();
  before(async () => {
    c = await startTestCluster(2);
  });
  after(async () => {
    await c?.close();
  });

  it('a file stored on one node is read whole from the other, and from a new node after the first is gone', async () => {
    // Over 1 MiB: several chunks, read back in order.
    const bytes = randomBytes(2 * 1024 * 1024 + 17);
    const hash = createHash('sha256').update(bytes).digest('hex');
    await storeFile(c.nodes[0]!.url, alice, bytes);
    const onB = await raw(c.nodes[1]!.url, hash);
    assert.equal(onB.status, 200);
    assert.ok(onB.bytes.equals(bytes));
    await c.nodes[0]!.close();
    c.nodes.splice(0, 1);
    const late = await c.add();
    const onLate = await raw(late.url, hash);
    assert.equal(onLate.status, 200);
    assert.ok(onLate.bytes.equals(bytes));
  });

  it('an empty file, and a hash no node has (404, nothing cached)', async () => {
    const hash = createHash('sha256').update(Buffer.alloc(0)).digest('hex');
    await storeFile(c.nodes[0]!.url, alice, Buffer.alloc(0));
    const onOther = await raw(c.nodes[c.nodes.length - 1]!.url, hash);
    assert.equal(onOther.status, 200);
    assert.equal(onOther.bytes.length, 0);
    assert.equal((await raw(c.nodes[0]!.url, 'ab'.repeat(32))).status, 404);
  });
});
