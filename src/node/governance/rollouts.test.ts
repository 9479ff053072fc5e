import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildProgram } from '../../client/messages/buildProgram.js';
import { rollbackProgram } from '../../client/actions/rollbackProgram.js';
import { createNode, type RunningNode } from '../createNode.js';
import { ManualClock } from '../testing/manualClock.js';
import { verificationBuffer } from '../../protocol/index.js';
import { getJson, newAccount, postMessage, sign, storeFile } from '../testing/nodeHarness.js';
import { amendCode, codeZip, deployCode, governedFiles, replaceWith } from '../testing/governanceHarness.js';

const admin = (address: string, extra = '') =>
  `upgrade_policy = "compatible"\nconstructor = '@admin(address="${address}")'\n${extra}`;
const IFACE = '[interface.transitions.main]\ninputs = ["u32", "u32"]\noutputs = ["u32"]\n';
const MORE = IFACE + '[interface.transitions.extra]\ninputs = ["bool"]\n';
const PLAN = { canary: 10, steps: [10, 50, 100], step_seconds: 3600, max_error_rate: 0.02, min_requests: 50 };

/** Rollout plans and ends as signed messages (issue 10), and rollbacks judged by the program's policy. */
describe('rollouts and rollbacks on a core node', () => {
  let node: RunningNode;
  const clock = new ManualClock();
  let home: string;
  const [owner, compute, stranger, other] = [newAccount(), newAccount(), newAccount(), newAccount()];
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-node-rollouts-'));
    node = await createNode({
      home,
      port: 0,
      signatureWorkers: 0,
      clock,
      trustedComputeAddresses: [compute.address],
    });
  });
  after(async () => {
    await node.close();
    rmSync(home, { recursive: true, force: true });
  });
  const post = async (account = owner, type: string, content: unknown, address = account.address) =>
    postMessage(node.url, await sign(account, buildPost({ sender: account.address, address, type, content })));
  const dryRunCode = async (id: string, files: Record<string, string>) => {
    const f = new FormData();
    f.append('file', new Blob([Buffer.from(codeZip(files))]));
    const { hash } = (await (
      await fetch(`${node.url}/api/v0/storage/add_file`, { method: 'POST', body: f })
    ).json()) as {
      hash: string;
    };
    const r = await fetch(`${node.url}/api/v0/programs/${id}/dry-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code_hash: hash }),
    });
    return (await r.json()) as Record<string, any>;
  };
  const checksumOf = async (id: string, files: Record<string, string>) =>
    (await dryRunCode(id, files)).checksum as string;
  const history = async (id: string) => (await getJson(node.url, `/api/v0/programs/${id}/history`)).body;
  const config = (account = owner) => ({ apiUrl: node.url, account, channel: 'TEST' });

  it('refuses bad plans with stable codes and records nothing', async () => {
    const d = await deployCode(node.url, owner, governedFiles(admin(owner.address)));
    const checksum = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body.checksum as string;
    const bad: Array<[object, string]> = [
      [{ canary: 0 }, 'ROLLOUT_CANARY_INVALID'],
      [{ canary: 101 }, 'ROLLOUT_CANARY_INVALID'],
      [{ steps: [10, 50, 40, 100] }, 'ROLLOUT_STEPS_INVALID'],
      [{ steps: [10, 10, 100] }, 'ROLLOUT_STEPS_INVALID'],
      [{ max_error_rate: 2 }, 'ROLLOUT_PLAN_INVALID'],
      [{ step_seconds: 0 }, 'ROLLOUT_PLAN_INVALID'],
    ];
    for (const [change, code] of bad) {
      const r = await post(owner, 'aleph-rollout', { program_id: d.id, checksum, ...PLAN, ...change });
      assert.equal(r.status, 422, JSON.stringify(change));
      assert.equal(r.body.error_code, code, JSON.stringify(change));
    }
    const foreign = await post(stranger, 'aleph-rollout', { program_id: d.id, checksum, ...PLAN });
    assert.equal(foreign.body.error_code, 'ROLLOUT_NOT_OWNER');
    assert.deepEqual((await history(d.id)).rollouts, []);
  });

  it('binds a plan to the next edition with its checksum; only the owner or a trusted compute node aborts it', async () => {
    const d = await deployCode(node.url, owner, governedFiles(admin(owner.address, IFACE)));
    const v1 = governedFiles(admin(owner.address, IFACE), 'async def app(scope, receive, send): return 1\n');
    // The candidate's checksum, as `aleph program upgrade --canary` asks the node before signing anything.
    const bytes = codeZip(v1);
    const up = await fetch(`${node.url}/api/v0/storage/add_file`, {
      method: 'POST',
      body: (() => {
        const f = new FormData();
        f.append('file', new Blob([Buffer.from(bytes)]));
        return f;
      })(),
    });
    const hash = ((await up.json()) as { hash: string }).hash;
    const dry = (await (
      await fetch(`${node.url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code_hash: hash }),
      })
    ).json()) as { checksum: string };
    assert.equal(
      (await post(owner, 'aleph-rollout', { program_id: d.id, checksum: dry.checksum, ...PLAN })).status,
      200,
    );
    assert.equal((await getJson(node.url, `/api/v0/programs/${d.id}`)).body.rollout.status, 'planned');
    // The writer's clock runs 10 minutes ahead of the sender's: the steps must follow the writer's.
    await clock.set(Date.now() + 600_000);
    const a = await amendCode(node.url, owner, d.code, v1);
    assert.equal(a.status, 200);
    const view = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    assert.equal(view.edition, 1);
    assert.equal(view.rollout.status, 'active');
    assert.equal(view.rollout.edition, 1);
    assert.equal(view.rollout.previous_edition, 0);
    assert.equal(view.rollout.percent, 10);
    // Steps come from the writer's block time of the edition's acceptance, not the sender's clock.
    const amendMsg = (await getJson(node.url, `/api/v0/messages/${a.hash}`)).body;
    assert.ok(
      Math.abs(view.rollout.started_time - clock.now() / 1000) < 1 &&
        view.rollout.started_time - amendMsg.message.time > 500,
      `started ${view.rollout.started_time}, writer ${clock.now() / 1000}, signed ${amendMsg.message.time}`,
    );

    const forged = await post(stranger, 'aleph-rollout-abort', { program_id: d.id, edition: 1, reason: 'sabotage' });
    assert.equal(forged.status, 422);
    assert.equal(forged.body.error_code, 'ROLLOUT_ABORT_NOT_AUTHORIZED');
    const strangerPromote = await post(stranger, 'aleph-rollout-promote', { program_id: d.id, edition: 1 });
    assert.equal(strangerPromote.body.error_code, 'ROLLOUT_NOT_OWNER');
    const wrongEdition = await post(compute, 'aleph-rollout-abort', { program_id: d.id, edition: 0 });
    assert.equal(wrongEdition.body.error_code, 'ROLLOUT_NOT_ACTIVE');
    assert.equal((await getJson(node.url, `/api/v0/programs/${d.id}`)).body.rollout.status, 'active');

    const abort = await post(compute, 'aleph-rollout-abort', {
      program_id: d.id,
      edition: 1,
      requests: 50,
      errors: 16,
      error_rate: 0.32,
      reason: 'error rate 0.32 > 0.02 after 50 requests',
    });
    assert.equal(abort.status, 200, JSON.stringify(abort.body));
    const h = await history(d.id);
    const r = h.rollouts.at(-1);
    assert.equal(r.status, 'aborted');
    assert.equal(r.ended.by, compute.address);
    assert.deepEqual(
      r.events.map((e: { kind: string }) => e.kind),
      ['planned', 'started', 'aborted'],
    );
    assert.match(r.events.at(-1).summary, /^edition 1 aborted: error rate 0\.32 > 0\.02 after 50 requests \(by 0x/);
    // Edition numbers are never reused: edition 1 stays recorded; a second abort finds nothing active.
    assert.deepEqual(
      h.editions.map((e: { edition: number }) => e.edition),
      [0, 1],
    );
    assert.equal(
      (await post(owner, 'aleph-rollout-abort', { program_id: d.id, edition: 1 })).body.error_code,
      'ROLLOUT_NOT_ACTIVE',
    );

    // The edition before the aborted one is in force again; nothing earlier is left to roll back to.
    const back = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    assert.deepEqual([back.edition, back.checksum, back.next_edition], [0, h.editions[0].checksum, 2]);
    await assert.rejects(rollbackProgram(config(), { id: d.id, to: 1 }), { code: 'ROLLBACK_TARGET_ABORTED' });
    await assert.rejects(rollbackProgram(config(), { id: d.id, to: 7 }), { code: 'ROLLBACK_EDITION_UNKNOWN' });
    await assert.rejects(rollbackProgram(config(), { id: d.id }), { code: 'ROLLBACK_EDITION_UNKNOWN' });
  });

  it('after an abort the previous edition is in force: the next upgrade is judged against it and numbered past the aborted one', async () => {
    const d = await deployCode(node.url, owner, governedFiles(admin(owner.address, MORE)));
    const v0 = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    // Edition 1 adds a transition: judged against it, an upgrade without that transition would be refused.
    const THIRD = MORE + '[interface.transitions.third]\ninputs = ["u8"]\n';
    const v1 = governedFiles(admin(owner.address, THIRD), 'x = 1\n');
    assert.equal(
      (await post(owner, 'aleph-rollout', { program_id: d.id, checksum: await checksumOf(d.id, v1), ...PLAN })).status,
      200,
    );
    assert.equal((await amendCode(node.url, owner, d.code, v1)).status, 200);
    const during = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    assert.deepEqual([during.edition, during.rollout.status], [1, 'active']);
    // What a candidate would get against edition 1 (the dry run judges against the edition in force).
    const v2 = governedFiles(admin(owner.address, MORE), 'x = 2\n');
    const refusedThen = await dryRunCode(d.id, v2);
    assert.deepEqual([refusedThen.error_code, refusedThen.details.name], ['INTERFACE_REMOVED', 'third']);

    // The owner aborts (what `aleph program rollout ID --abort` signs).
    const abort = await post(owner, 'aleph-rollout-abort', { program_id: d.id, edition: 1, reason: 'manual' });
    assert.equal(abort.status, 200, JSON.stringify(abort.body));
    const view = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    assert.deepEqual(
      [view.edition, view.current_hash, view.checksum, view.next_edition],
      [0, v0.current_hash, v0.checksum, 2],
    );
    assert.deepEqual(view.resolved, v0.resolved, "the references are edition 0's again");
    assert.equal(view.manifest.interface.transitions.third, undefined);
    const detail = (await getJson(node.url, `/api/v0/programs/${d.id}/editions/1`)).body;
    assert.equal(detail.aborted, true, 'edition 1 stays in the history, marked aborted');
    // Approvals count for edition 2 now: edition 1's number is taken.
    const stale = await post(owner, 'program-upgrade-approval', {
      program_id: d.id,
      checksum: v0.checksum,
      edition: 1,
    });
    assert.equal(stale.body.error_code, 'APPROVAL_EDITION_PASSED');

    // Judged against edition 0 (compatible, no `third`): accepted, as edition 2, rolled out beside edition 0.
    const dry = await dryRunCode(d.id, v2);
    assert.deepEqual([dry.verdict, dry.edition, dry.current_edition], ['accepted', 2, 0]);
    assert.equal(
      (await post(owner, 'aleph-rollout', { program_id: d.id, checksum: dry.checksum, ...PLAN })).status,
      200,
    );
    const up = await amendCode(node.url, owner, d.code, v2);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const now = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    assert.deepEqual([now.edition, now.next_edition], [2, 3]);
    assert.deepEqual([now.rollout.edition, now.rollout.previous_edition], [2, 0]);
    assert.match(now.rollout.events[1].summary, /\(edition 0 the rest\)$/);
    const h = await history(d.id);
    assert.deepEqual(
      h.editions.map((e: { edition: number }) => e.edition),
      [0, 1, 2],
    );
    // Heights in the rollout events are block heights, like the editions': the plan's block precedes its edition's.
    const planned = now.rollout.events[0];
    assert.equal(planned.kind, 'planned');
    assert.ok(
      planned.height <= h.editions[2].height && planned.height >= h.editions[1].height,
      JSON.stringify(planned),
    );

    // A rollback to edition 0 reproduces its checksum, as edition 3.
    const back = await rollbackProgram(config(), { id: d.id, to: 0 });
    assert.equal(back.verdict.verdict, 'accepted');
    const after = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body;
    assert.deepEqual([after.edition, after.checksum], [3, v0.checksum]);
  });

  it('a program whose id is a CID (its PROGRAM message on IPFS) rolls out and aborts like any other', async () => {
    const files = governedFiles(admin(owner.address, IFACE));
    const code = await storeFile(node.url, owner, codeZip(files));
    const runtime = await storeFile(node.url, owner, Buffer.from('runtime for a CID program'));
    const unsigned = buildProgram({
      sender: owner.address,
      codeRef: code,
      entrypoint: 'main:app',
      runtime,
      updatable: true,
    });
    const added = await fetch(`${node.url}/api/v0/ipfs/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(unsigned.content),
    });
    const cid = ((await added.json()) as { hash: string }).hash;
    assert.match(cid, /^(Qm|b)/, 'the program id is a CID');
    const signature = await owner.signMessage({
      message: verificationBuffer({ chain: 'ETH', sender: owner.address, type: 'PROGRAM', item_hash: cid }),
    });
    const deployed = await postMessage(node.url, {
      chain: 'ETH',
      sender: owner.address,
      type: 'PROGRAM',
      channel: 'TEST',
      time: unsigned.content.time,
      item_type: 'ipfs',
      item_hash: cid,
      signature,
    });
    assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
    const v1 = governedFiles(admin(owner.address, IFACE), 'y = 1\n');
    const planned = await post(owner, 'aleph-rollout', {
      program_id: cid,
      checksum: await checksumOf(cid, v1),
      ...PLAN,
    });
    assert.equal(planned.status, 200, JSON.stringify(planned.body));
    assert.equal((await amendCode(node.url, owner, code, v1)).status, 200);
    const r = (await getJson(node.url, `/api/v0/programs/${cid}/rollout`)).body;
    assert.deepEqual([r.program_id, r.rollout.status, r.rollout.edition], [cid, 'active', 1]);
    const abort = await post(compute, 'aleph-rollout-abort', { program_id: cid, edition: 1, reason: 'over budget' });
    assert.equal(abort.status, 200, JSON.stringify(abort.body));
    const view = (await getJson(node.url, `/api/v0/programs/${cid}`)).body;
    assert.deepEqual([view.edition, view.rollout.status, view.next_edition], [0, 'aborted', 2]);
    assert.equal((await getJson(node.url, `/api/v0/programs/${cid}/editions/1`)).body.aborted, true);
  });

  it('a rollback is judged like any upgrade: refused by the interface rules, with --dry-run first', async () => {
    const d = await deployCode(node.url, owner, governedFiles(admin(owner.address, IFACE)));
    assert.equal((await amendCode(node.url, owner, d.code, governedFiles(admin(owner.address, MORE)))).status, 200);
    const dry = await rollbackProgram(config(), { id: d.id, to: 0, dryRun: true });
    assert.equal(dry.verdict.verdict, 'refused');
    assert.equal(dry.verdict.error_code, 'INTERFACE_REMOVED');
    assert.equal(dry.published, null);
    const real = await rollbackProgram(config(), { id: d.id, to: 0 });
    assert.equal(real.verdict.error_code, 'INTERFACE_REMOVED');
    assert.equal(real.published, null);
    assert.equal((await getJson(node.url, `/api/v0/programs/${d.id}`)).body.edition, 1, 'nothing changed');
  });

  it('a rollback is refused by @admin when it would arrive through a code file owned by someone else', async () => {
    // Edition 0 and 1 run code STOREd by `other`, referenced by the owner's PROGRAM messages (program_owner: owner).
    const files0 = governedFiles(admin(owner.address));
    const code0 = await storeFile(node.url, other, codeZip(files0));
    const runtime = await storeFile(node.url, owner, Buffer.from('runtime for rollback'));
    const deploy = await sign(
      owner,
      buildProgram({ sender: owner.address, codeRef: code0, entrypoint: 'main:app', runtime, updatable: true }),
    );
    assert.equal((await postMessage(node.url, deploy)).status, 200);
    const id = deploy.item_hash;
    const code1 = await storeFile(
      node.url,
      other,
      codeZip(governedFiles(admin(owner.address), 'async def app(s, r, w): return 2\n')),
    );
    const rep = await replaceWith(node.url, owner, id, (c) => ({ ...c, code: { ...c.code, ref: code1 } }));
    assert.equal(rep.status, 200, JSON.stringify(rep.body));
    // Rolling back the code means amending `other`'s STORE: program_owner would be `other`, which @admin refuses.
    const r = await rollbackProgram(config(), { id, to: 0, dryRun: true });
    assert.equal(r.kind, 'amend');
    assert.equal(r.verdict.verdict, 'refused');
    assert.equal(r.verdict.error_code, 'CONSTRUCTOR_FAILED');
  });
});
