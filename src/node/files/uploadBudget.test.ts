import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNodeLimits } from '../nodeLimits.js';
import { newAccount, storeFile, uploadWithStore } from '../testing/nodeHarness.js';
import { startStorageNode, type StorageNode } from '../testing/storageHarness.js';

const BUDGET = 8192;

describe('anonymous uploads: a byte budget per client and minute (limits.anonymousUploadBytesPerMinute)', () => {
  let s: StorageNode;
  before(async () => {
    s = await startStorageNode({ limits: { anonymousUploadBytesPerMinute: BUDGET } });
  });
  after(async () => {
    await s.close();
  });

  const addJson = (n: number, tag: string) =>
    fetch(`${s.url}/api/v0/storage/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tag, pad: 'p'.repeat(n) }),
    });

  it('uploads past the budget are 429 UPLOAD_RATE_LIMITED and keep nothing; a signed STORE still goes through', async () => {
    assert.equal((await addJson(5000, 'a')).status, 200);
    // Budget left (about 3 KB) lets one more in, charged in full: the client is then in debt.
    assert.equal((await uploadWithStore(s.url, new Uint8Array(5000).fill(7))).status, 200);
    const before = s.stored();
    const refused = await addJson(10, 'c');
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as {
      error_code: string;
      details: { retry_after_s: number; bytes_per_minute: number };
    };
    assert.equal(body.error_code, 'UPLOAD_RATE_LIMITED');
    assert.equal(body.details.bytes_per_minute, BUDGET);
    assert.ok(body.details.retry_after_s >= 1);
    const file = await uploadWithStore(s.url, new Uint8Array(10).fill(9));
    assert.equal(file.status, 429, 'add_file without a STORE shares the budget');
    assert.deepEqual(s.stored(), before, 'a refused upload leaves nothing');
    // A signed STORE is not anonymous: it is not counted against the budget.
    await storeFile(s.url, newAccount(), new Uint8Array(20_000).fill(3));
  });
});

describe('the dry-run rate limit is a node setting (limits.dryRunBurst, limits.dryRunPerSecond)', () => {
  let s: StorageNode;
  before(async () => {
    s = await startStorageNode({ limits: { dryRunBurst: 2, dryRunPerSecond: 1 } });
  });
  after(async () => {
    await s.close();
  });

  it('a burst of 2: the third dry-run at once is 429', async () => {
    const dry = () =>
      fetch(`${s.url}/api/v0/programs/nope/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    // Each a request error (no such id, no candidate), yet each takes its turn of the limit.
    const statuses = [(await dry()).status, (await dry()).status];
    assert.deepEqual(statuses, [422, 422]);
    const third = await dry();
    assert.equal(third.status, 429);
    assert.equal(((await third.json()) as { error_code: string }).error_code, 'DRY_RUN_RATE_LIMITED');
  });

  it('bad settings stop the node at start', () => {
    assert.throws(() => resolveNodeLimits({ dryRunBurst: 0 }), /dryRunBurst/);
    assert.throws(() => resolveNodeLimits({ anonymousUploadBytesPerMinute: 1.5 }), /anonymousUploadBytesPerMinute/);
    assert.throws(() => resolveNodeLimits({ pendingExpirySeconds: -1 }), /pendingExpirySeconds/);
  });
});
