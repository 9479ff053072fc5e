import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { approveUpgrade } from '../../client/actions/programs.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';
import {
  amendCode,
  approve,
  deployCode,
  governedFiles,
  programState,
  setAggregate,
} from '../testing/governanceHarness.js';

/** Approvals are single-use (Sui's UpgradeTicket): each names the program, the candidate checksum and edition (issue 13). */
describe('approvals bound to one upgrade', () => {
  const [alice, bob, dao] = [newAccount(), newAccount(), newAccount()];
  const h = useTestNode();
  const multisig = `constructor = '@multisig(threshold=1, signers=["${bob.address}"])'\n`;
  const v = (n: number, toml = multisig) => governedFiles(toml, `v${n}\n`);

  /** Publishes `files` as the program's code; returns the program's verdict (with the candidate's checksum). */
  async function upgrade(d: { code: string }, files: Record<string, string>) {
    const r = await amendCode(h.url, alice, d.code, files);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.program_verdicts[0] as { verdict: string; error_code?: string; checksum: string; edition?: number };
  }

  it('@multisig: rolling back to v2 after v2 and v3 were approved and applied needs a new approval', async () => {
    const d = await deployCode(h.url, alice, v(1));
    const c2 = (await upgrade(d, v(2))).checksum;
    assert.equal((await approve(h.url, bob, d.id, c2, 1)).status, 200);
    assert.equal((await upgrade(d, v(2))).verdict, 'accepted');
    const c3 = (await upgrade(d, v(3))).checksum;
    assert.equal((await approve(h.url, bob, d.id, c3, 2)).status, 200);
    assert.equal((await upgrade(d, v(3))).verdict, 'accepted');

    const rollback = await upgrade(d, v(2));
    assert.equal(rollback.checksum, c2, 'the rollback is exactly v2');
    assert.equal(rollback.error_code, 'MULTISIG_THRESHOLD_NOT_MET', 'the approval of v2 was spent by edition 1');
    let s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 2);
    assert.equal(s.view.checksum, c3);

    assert.equal((await approve(h.url, bob, d.id, c2, 3)).status, 200);
    assert.equal((await upgrade(d, v(2))).verdict, 'accepted');
    s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 3);
    assert.equal(s.view.checksum, c2);
  });

  it('@multisig: an approval for edition N does not count for N+1, nor for another program', async () => {
    const runtime = (await deployCode(h.url, alice, v(1))).runtime;
    const a = await deployCode(h.url, alice, v(1), { runtime });
    const b = await deployCode(h.url, alice, v(1), { runtime });
    const sum = (await upgrade(a, v(2))).checksum;
    assert.equal((await upgrade(b, v(2))).checksum, sum, 'both programs have the same candidate');

    assert.equal((await approve(h.url, bob, a.id, sum, 2)).status, 200);
    assert.equal(
      (await upgrade(a, v(2))).error_code,
      'MULTISIG_THRESHOLD_NOT_MET',
      'approved for edition 2, the candidate is edition 1',
    );
    assert.equal((await approve(h.url, bob, b.id, sum, 1)).status, 200);
    assert.equal((await upgrade(a, v(2))).error_code, 'MULTISIG_THRESHOLD_NOT_MET', 'approved for program b');
    assert.equal((await programState(h.url, a.id)).view.edition, 0);
    assert.equal((await upgrade(b, v(2))).verdict, 'accepted');
  });

  it('@multisig: an approval without an edition, or for one already in force, is refused with a clear error', async () => {
    const d = await deployCode(h.url, alice, v(1));
    const sum = (await upgrade(d, v(2))).checksum;
    const post = async (content: Record<string, unknown>) =>
      postMessage(
        h.url,
        await sign(bob, buildPost({ sender: bob.address, type: 'program-upgrade-approval', ref: d.id, content })),
      );
    for (const edition of [undefined, '1', 1.5, -1, 0, 70_000, null]) {
      const r = await post({ program_id: d.id, checksum: sum, ...(edition === undefined ? {} : { edition }) });
      assert.equal(r.status, 422, `edition ${String(edition)}`);
      assert.equal(r.body.error_code, 'GOVERNANCE_POST_INVALID');
      assert.equal(r.body.details.field, 'content.edition');
    }
    assert.equal((await approve(h.url, bob, d.id, sum, 1)).status, 200);
    assert.equal((await upgrade(d, v(2))).verdict, 'accepted');
    const passed = await approve(h.url, bob, d.id, sum, 1);
    assert.equal(passed.status, 422);
    assert.equal(passed.body.error_code, 'APPROVAL_EDITION_PASSED');
    assert.equal(passed.body.details.current_edition, 1);
    assert.equal((await getJson(h.url, `/api/v0/programs/${d.id}`)).status, 200, 'the node keeps answering');
  });

  it("@checksum: the DAO's vote names program, checksum and edition; an old vote cannot bring back its edition", async () => {
    const toml = `constructor = '@checksum(mapping="${dao.address}/approved_checksum", key="true")'\n`;
    const d = await deployCode(h.url, alice, v(1, toml));
    const vote = (value: unknown) => setAggregate(h.url, dao, 'approved_checksum', { true: value });
    const c2 = (await upgrade(d, v(2, toml))).checksum;
    assert.equal((await vote({ program_id: d.id, checksum: c2, edition: 1 })).status, 200);
    assert.equal((await upgrade(d, v(2, toml))).verdict, 'accepted');
    const c3 = (await upgrade(d, v(3, toml))).checksum;
    assert.equal((await vote({ program_id: d.id, checksum: c3, edition: 2 })).status, 200);
    assert.equal((await upgrade(d, v(3, toml))).verdict, 'accepted');

    const stale = await upgrade(d, v(2, toml));
    assert.equal(stale.error_code, 'CONSTRUCTOR_FAILED');
    assert.equal((await vote({ program_id: d.id, checksum: c2, edition: 1 })).status, 200, 'the old vote, replayed');
    const replayed = await amendCode(h.url, alice, d.code, v(2, toml));
    assert.equal(replayed.body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    assert.deepEqual(replayed.body.program_verdicts[0].details.expected, {
      program_id: d.id,
      checksum: c2,
      edition: 3,
    });
    assert.equal((await vote({ program_id: 'ab'.repeat(32), checksum: c2, edition: 3 })).status, 200);
    assert.equal((await upgrade(d, v(2, toml))).error_code, 'CONSTRUCTOR_FAILED', 'a vote for another program');
    assert.equal((await vote(c2)).status, 200);
    assert.equal((await upgrade(d, v(2, toml))).error_code, 'CONSTRUCTOR_FAILED', 'a bare checksum names no edition');
    assert.equal((await vote({ program_id: d.id, checksum: c2, edition: 3 })).status, 200);
    assert.equal((await upgrade(d, v(2, toml))).verdict, 'accepted');
    assert.equal((await programState(h.url, d.id)).view.edition, 3);
  });

  it("the SDK's approveUpgrade sends the next edition by default, as a POST or as the @checksum vote", async () => {
    const toml = `constructor = '@checksum(mapping="${dao.address}/votes", key="next")'\n`;
    const d = await deployCode(h.url, alice, v(1, toml));
    const sum = (await upgrade(d, v(2, toml))).checksum;
    const voted = await approveUpgrade(
      { apiUrl: h.url, account: dao },
      { id: d.id, checksum: sum, mapping: `${dao.address}/votes`, key: 'next' },
    );
    assert.equal(voted.edition, 1);
    assert.equal((await upgrade(d, v(2, toml))).verdict, 'accepted');

    const m = await deployCode(h.url, alice, v(1));
    const c2 = (await upgrade(m, v(2))).checksum;
    const posted = await approveUpgrade({ apiUrl: h.url, account: bob }, { id: m.id, checksum: c2 });
    assert.deepEqual(posted.approval, { program_id: m.id, checksum: c2, edition: 1 });
    assert.equal((await upgrade(m, v(2))).verdict, 'accepted');
    await assert.rejects(
      approveUpgrade({ apiUrl: h.url, account: bob }, { id: m.id, checksum: c2, edition: 0 }),
      (e: Error & { code?: string }) => e.code === 'OPTION_INVALID_EDITION',
    );
  });
});
