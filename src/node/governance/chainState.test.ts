import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest } from '../../policy/index.js';
import { manifestText, OWNER } from '../../policy/upgrade/testFixtures.js';
import { openStore, storeThreadsExited } from '../store/openStore.js';
import { loadPolicyContext } from './chainState.js';

describe('chain state for policies: stored aggregate content is parsed with a depth bound', () => {
  it('a mapping nested past any bound (written by an older node) reads as absent; a normal one is read', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-chainstate-'));
    const db = await openStore(join(home, 'node.sqlite'));
    try {
      const deep = '{"v":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
      await db
        .insertInto('aggregates')
        .values([
          { address: OWNER, key: 'deep', content: deep, height: 1 },
          { address: OWNER, key: 'flat', content: '{"approved": "yes"}', height: 2 },
        ])
        .execute();
      const manifest = (mapping: string) =>
        parseManifest(manifestText(`@checksum(mapping="${OWNER}/${mapping}", key="approved")`));
      const at = { height: 3, time: 100, edition: 2 };
      // JSON.parse of the deep text, then the constructor's JSON.stringify, would throw RangeError here.
      const ctx = await loadPolicyContext(db, 'f'.repeat(64), [manifest('deep'), manifest('flat')], at);
      assert.equal(ctx.readMapping(`${OWNER}/deep`, 'v'), null);
      assert.equal(ctx.readMapping(`${OWNER}/flat`, 'approved'), 'yes');
    } finally {
      await db.destroy();
      await storeThreadsExited(db);
      rmSync(home, { recursive: true, force: true });
    }
  });
});
