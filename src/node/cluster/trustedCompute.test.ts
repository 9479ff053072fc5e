import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlephError } from '../../errors.js';
import { toChecksumAddress } from '../../protocol/index.js';
import { createNode, type RunningNode } from '../createNode.js';
import { trustedCompute } from '../programs/computeReports.js';
import { newAccount } from '../testing/nodeHarness.js';
import { createTestStore, testPgServer } from '../testing/testStore.js';

const skip = !testPgServer() && 'needs ALEPH_TEST_PG (several core nodes share one PostgreSQL)';

describe('the trusted compute list of core nodes sharing one store', { skip }, () => {
  const homes: string[] = [];
  const running: RunningNode[] = [];
  const [x, y] = [newAccount().address, newAccount().address];
  let store: Awaited<ReturnType<typeof createTestStore>>;
  const start = async (trusted: string[]) => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-core-trust-'));
    homes.push(home);
    const node = await createNode({
      home,
      port: 0,
      store: store.url!,
      signatureWorkers: 0,
      trustedComputeAddresses: trusted,
    });
    running.push(node);
    return node;
  };
  after(async () => {
    for (const n of running.splice(0)) await n.close();
    await store?.drop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it('a node given another list is refused while one runs; the same list joins; a restart of all changes it', async () => {
    store = await createTestStore();
    const a = await start([x]);
    await assert.rejects(start([y]), (e: unknown) => {
      assert.ok(isAlephError(e));
      assert.equal(e.code, 'NODE_SETTING_CONFLICT');
      assert.deepEqual(e.details, {
        setting: 'trustedComputeAddresses',
        stored: [toChecksumAddress(x)],
        given: [toChecksumAddress(y)],
      });
      assert.match(e.hint ?? '', /same --compute-allow list/);
      return true;
    });
    assert.deepEqual(await trustedCompute(a.db), [toChecksumAddress(x)], 'the running node keeps its list');
    // The same list (another spelling, another order, a repeat) is the same list.
    const b = await start([x.toLowerCase(), x]);
    for (const n of running.splice(0)) await n.close();
    assert.ok(b);
    // Every core node stopped: the first to start writes the operator's new list.
    const c = await start([y, x]);
    assert.deepEqual(await trustedCompute(c.db), [toChecksumAddress(x), toChecksumAddress(y)].sort());
  });
});
