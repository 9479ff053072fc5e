import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign, uploadWithStore, useTestNode } from '../testing/nodeHarness.js';
import {
  amendCode,
  approve,
  codeZip,
  deployCode,
  governedFiles,
  programState,
  replaceWith,
} from '../testing/governanceHarness.js';
import { advanceToHeight } from '../testing/manualClock.js';

describe('@multisig and @timelock (beyond Leo)', () => {
  const [alice, bob, carol, dave] = [newAccount(), newAccount(), newAccount(), newAccount()];
  const h = useTestNode();
  const height = async () => (await getJson(h.url, '/api/v0/height')).body.height as number;
  const cancel = async (account = alice, content: Record<string, unknown>) =>
    postMessage(
      h.url,
      await sign(account, buildPost({ sender: account.address, type: 'program-upgrade-cancel', content })),
    );

  it('@multisig: an upgrade needs threshold distinct approvals of its checksum by listed signers', async () => {
    const toml = `constructor = '@multisig(threshold=2, signers=["${alice.address}", "${bob.address}", "${carol.address}"])'\n`;
    const d = await deployCode(h.url, alice, governedFiles(toml));
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const next = governedFiles(toml, 'v2\n');
    const up = await uploadWithStore(h.url, codeZip(next));
    const dry = (await (
      await fetch(`${h.url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code_hash: up.body.hash }),
      })
    ).json()) as any;
    assert.equal(dry.error_code, 'MULTISIG_THRESHOLD_NOT_MET');
    const checksum = dry.checksum as string;

    const first = await amendCode(h.url, alice, d.code, next);
    assert.equal(first.body.program_verdicts[0].error_code, 'MULTISIG_THRESHOLD_NOT_MET');
    assert.equal(first.body.program_verdicts[0].checksum, checksum);
    assert.equal((await approve(h.url, bob, d.id, checksum, 1)).status, 200);
    assert.equal((await approve(h.url, dave, d.id, checksum, 1)).status, 200, 'anyone may approve; only signers count');
    const second = await amendCode(h.url, alice, d.code, next);
    assert.equal(second.body.program_verdicts[0].details.approvals, 1);
    assert.equal((await programState(h.url, d.id)).view.edition, 0);

    const byCarol = await approve(h.url, carol, d.id, checksum, 1);
    assert.equal(byCarol.status, 200);
    const third = await amendCode(h.url, alice, d.code, next);
    assert.equal(third.body.program_verdicts[0].verdict, 'accepted', JSON.stringify(third.body));
    assert.equal((await programState(h.url, d.id)).view.checksum, checksum);
  });

  it('approvals are checked at the boundary and withdrawn by a FORGET', async () => {
    const d = await deployCode(
      h.url,
      alice,
      governedFiles(`constructor = '@multisig(threshold=1, signers=["${bob.address}"])'\n`),
    );
    const bad = await approve(h.url, bob, d.id, 'not-a-checksum', 1);
    assert.equal(bad.body.error_code, 'GOVERNANCE_POST_INVALID');
    assert.equal((await approve(h.url, bob, 'ab'.repeat(32), 'cd'.repeat(32), 1)).body.error_code, 'PROGRAM_NOT_FOUND');
    const next = governedFiles(`constructor = '@multisig(threshold=1, signers=["${bob.address}"])'\n`, 'v2\n');
    const probe = await amendCode(h.url, alice, d.code, next);
    const checksum = probe.body.program_verdicts[0].checksum;
    const approval = await sign(
      bob,
      buildPost({
        sender: bob.address,
        type: 'program-upgrade-approval',
        ref: d.id,
        content: { program_id: d.id, checksum, edition: 1 },
      }),
    );
    assert.equal((await postMessage(h.url, approval)).status, 200);
    await postMessage(
      h.url,
      await sign(bob, buildForget({ sender: bob.address, hashes: [approval.item_hash], reason: 'changed my mind' })),
    );
    const after = await amendCode(h.url, alice, d.code, next);
    assert.equal(after.body.program_verdicts[0].error_code, 'MULTISIG_THRESHOLD_NOT_MET');
  });

  it('@timelock: an upgrade is announced, visible as pending, and applied by the node once the delay has passed', async () => {
    const d = await deployCode(h.url, alice, governedFiles("constructor = '@timelock(delay=5)'\n"));
    const r = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, resources: { ...c.resources, vcpus: 2 } }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const announced = await height();
    const [v] = r.body.program_verdicts;
    assert.equal(v.verdict, 'pending');
    assert.equal(v.effective_height, announced + 5);
    let s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 0);
    assert.equal(s.view.pending.length, 1);
    assert.equal(s.view.pending[0].message_hash, r.hash);

    await advanceToHeight(h, announced + 4);
    assert.equal((await programState(h.url, d.id)).view.edition, 0);
    // Applied by the writer when the block begins: no message needs to arrive.
    await advanceToHeight(h, announced + 5);
    s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 1);
    assert.equal(s.view.current_hash, r.hash);
    assert.equal(s.view.content.resources.vcpus, 2);
    assert.deepEqual(s.view.pending, []);
    assert.equal(s.history.editions[1].message_hash, r.hash);
    assert.equal(s.history.editions[1].height, announced + 5);
    assert.equal(s.history.pending[0].status, 'applied');
  });

  it('@timelock: the owner cancels a pending upgrade (a stranger cannot), and it never applies', async () => {
    const d = await deployCode(h.url, alice, governedFiles("constructor = '@timelock(delay=3)'\n"));
    const amend = await amendCode(h.url, alice, d.code, governedFiles("constructor = '@timelock(delay=3)'\n", 'v2\n'));
    assert.equal(amend.body.program_verdicts[0].verdict, 'pending');
    const byBob = await cancel(bob, { program_id: d.id });
    assert.equal(byBob.status, 422);
    assert.equal(byBob.body.error_code, 'NOT_AUTHORIZED');
    const ok = await cancel(alice, { program_id: d.id, message_hash: amend.hash });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await cancel(alice, { program_id: d.id })).body.error_code, 'PENDING_UPGRADE_UNKNOWN');
    await advanceToHeight(h, (await height()) + 4);
    const s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 0);
    assert.equal(s.history.pending[0].status, 'cancelled');
  });
});
