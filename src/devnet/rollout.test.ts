/**
 * Rollouts end to end through a devnet (issue 10): a canary share within ±5 points over 2,000 requests, sticky keys
 * holding across steps, pinned editions, steps on time, and an automatic abort of an edition that answers 500 —
 * the failures it caused bounded by --min-requests, none after, and the core node's history saying why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployProgram } from '../client/actions/deployProgram.js';
import { dryRunProgram } from '../client/actions/dryRunProgram.js';
import { planRollout } from '../client/actions/rollout.js';
import { updateProgramCode } from '../client/actions/updateProgramCode.js';
import { uploadFile } from '../client/actions/uploadFile.js';
import { prepareCode } from '../client/code/prepareCode.js';
import type { LocalAlephAccount } from '../client/accounts/account.js';
import { runCli } from '../cli/testing/runCli.js';
import { useTestDevnet } from './testing/testDevnet.js';

const answer = (body: string, status = 200) =>
  `exports.handler = (req, res) => { res.statusCode = ${status}; res.end('${body}'); };\n`;

describe('rollouts through a devnet', () => {
  const t = useTestDevnet('aleph-devnet-rollout-');

  async function deploy(body: string) {
    const p = await deployProgram(t.config, {
      code: prepareCode(t.codeDir({ 'main.js': answer(body) })),
      entrypoint: 'main.js:handler',
      runtime: t.devnet.runtimes.node,
      updatable: true,
      timeoutSeconds: 120,
    });
    assert.equal(await (await t.vm(p.id)).text(), body);
    return p.id;
  }

  /** What `aleph program upgrade ID DIR --canary …` does: checksum by dry run, the signed plan, then the upgrade. */
  async function upgradeWithRollout(
    id: string,
    main: string,
    plan: { canary: number; steps?: number[]; stepSeconds: number; minRequests?: number },
  ) {
    const code = prepareCode(t.codeDir({ 'main.js': main }));
    const { hash } = await uploadFile(t.config, { file: code.bytes, store: false });
    const dry = await dryRunProgram(t.config, { id, candidate: { code_hash: hash } });
    assert.equal(dry.verdict, 'accepted');
    await planRollout(t.config, { id, checksum: dry.checksum!, ...plan });
    await updateProgramCode(t.config, { hash: id, code });
    // The compute node starts the new edition beside the old one; wait until it serves its first share.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const r = await t.vm(id);
      await r.arrayBuffer();
      if (r.headers.get('x-aleph-edition') === '1') return;
    }
    assert.fail('edition 1 never served');
  }

  const editionOf = async (id: string, headers: Record<string, string> = {}) => {
    const r = await t.vm(id, '/', { headers });
    const body = await r.text();
    return { status: r.status, edition: r.headers.get('x-aleph-edition'), body };
  };

  it('splits by the plan within ±5 points, and pins a request to a serving edition', async () => {
    const id = await deploy('v1');
    await upgradeWithRollout(id, answer('v2'), { canary: 10, steps: [10, 50, 100], stepSeconds: 3600 });
    let onNew = 0;
    for (let i = 0; i < 2000; i++) {
      const r = await editionOf(id);
      assert.equal(r.status, 200);
      assert.equal(r.body, r.edition === '1' ? 'v2' : 'v1', 'the header names the edition that answered');
      if (r.edition === '1') onNew++;
    }
    const share = (onNew / 2000) * 100;
    assert.ok(Math.abs(share - 10) <= 5, `edition 1 served ${share} % of 2,000 requests, planned 10 %`);
    assert.deepEqual(await editionOf(id, { 'x-aleph-edition': '0' }), { status: 200, edition: '0', body: 'v1' });
    assert.deepEqual(await editionOf(id, { 'x-aleph-edition': '1' }), { status: 200, edition: '1', body: 'v2' });
    const missing = await t.vm(id, '/', { headers: { 'x-aleph-edition': '5' } });
    assert.equal(missing.status, 409);
    assert.equal(((await missing.json()) as { error_code: string }).error_code, 'COMPUTE_EDITION_NOT_SERVING');
    assert.ok(missing.headers.get('x-aleph-edition'), 'even a refusal names an edition');
    const view = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}`)).json()) as { rollout: any };
    assert.equal(view.rollout.status, 'active');
    assert.equal(view.rollout.percent, 10);
  });

  it('steps advance on time from the acceptance, and sticky keys stay on their edition across steps', async () => {
    const id = await deploy('s1');
    await upgradeWithRollout(id, answer('s2'), { canary: 10, steps: [10, 50, 100], stepSeconds: 2 });
    const keys = Array.from({ length: 60 }, (_, i) => `client-${i}`);
    const first = new Map<string, string | null>();
    for (const k of keys) first.set(k, (await editionOf(id, { 'x-aleph-rollout-key': k })).edition);
    for (const k of keys)
      assert.equal((await editionOf(id, { 'x-aleph-rollout-key': k })).edition === '1' || first.get(k) !== '1', true);
    // Until the schedule ends: a key that reached the new edition never goes back.
    const deadline = Date.now() + 30_000;
    let all = false;
    while (!all && Date.now() < deadline) {
      all = true;
      for (const k of keys) {
        const e = (await editionOf(id, { 'x-aleph-rollout-key': k })).edition;
        if (first.get(k) === '1') assert.equal(e, '1', `key ${k} left edition 1`);
        if (e !== '1') all = false;
      }
    }
    assert.ok(all, 'every key reached edition 1 once the schedule reached 100 %');
    const h = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}/history`)).json()) as { rollouts: any[] };
    const r = h.rollouts.at(-1);
    assert.equal(r.status, 'promoted');
    assert.deepEqual(
      r.events.map((e: any) => e.kind),
      ['planned', 'started', 'step', 'step', 'promoted'],
    );
    assert.deepEqual(
      r.events.slice(2, 4).map((e: any) => [e.percent, e.time - r.started_time]),
      [
        [50, 2],
        [100, 4],
      ],
    );
  });

  it('aborts an edition that answers 500 after --min-requests: bounded failures, none after, history says why', async () => {
    const id = await deploy('ok');
    await upgradeWithRollout(id, answer('boom', 500), { canary: 50, stepSeconds: 3600, minRequests: 20 });
    let failures = 1; // the answer that showed edition 1 serving
    for (let i = 0; i < 200; i++) if ((await editionOf(id)).status >= 500) failures++;
    assert.ok(failures <= 20, `the bad edition failed ${failures} requests; the budget allows 20`);
    for (let i = 0; i < 200; i++) {
      const r = await editionOf(id);
      assert.deepEqual([r.status, r.edition, r.body], [200, '0', 'ok'], 'nothing fails after the abort');
    }
    const deadline = Date.now() + 30_000;
    let r: any;
    while (Date.now() < deadline) {
      const h = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}/history`)).json()) as { rollouts: any[] };
      r = h.rollouts.at(-1);
      if (r.status === 'aborted') break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.equal(r.status, 'aborted');
    assert.equal(r.ended.by, t.devnet.compute!.address);
    assert.match(r.events.at(-1).summary, /^edition 1 aborted: error rate 1 > 0\.02 after 20 requests/);
    // Once the core node has recorded it, the candidate is drained: a pin to it is refused.
    const until = Date.now() + 30_000;
    let pinned = 0;
    while (
      Date.now() < until &&
      (pinned = (await t.vm(id, '/', { headers: { 'x-aleph-edition': '1' } })).status) !== 409
    )
      await new Promise((ok) => setTimeout(ok, 50));
    assert.equal(pinned, 409);
    // Governance agrees: edition 0 is in force again, and edition 1's number stays taken.
    const view = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}`)).json()) as any;
    assert.deepEqual([view.edition, view.next_edition], [0, 2]);
    // A compute node that starts afresh after the abort serves the previous edition, never the aborted one.
    await t.restart();
    for (let i = 0; i < 20; i++) {
      const again = await editionOf(id);
      assert.deepEqual([again.status, again.edition, again.body], [200, '0', 'ok'], 'after a restart too');
    }
  });

  it('the CLI: bad plans refused before anything is signed, rollout shown and aborted, history, rollback', async () => {
    const id = await deploy('c1');
    const key = (t.config.account as LocalAlephAccount).privateKey;
    const cli = (args: string[]) =>
      runCli(args, { apiUrl: t.devnet.apiUrl, env: { ALEPH_COMPUTE_URL: t.devnet.computeUrl ?? undefined } });
    const v2 = t.codeDir({ 'main.js': answer('c2') });
    for (const [opts, code] of [
      [['--canary', '0'], 'ROLLOUT_CANARY_INVALID'],
      [['--canary', '101'], 'ROLLOUT_CANARY_INVALID'],
      [['--canary', '10', '--steps', '10,5,100'], 'ROLLOUT_STEPS_INVALID'],
    ] as const) {
      const r = await cli(['program', 'upgrade', id, v2, ...opts, '--private-key', key]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(code), r.stderr);
    }
    // A plain program can never become governed: the policy refuses, so no plan is published either.
    const governed = t.codeDir({ 'main.js': answer('c2'), 'program.toml': `constructor = '@noupgrade'\n` });
    const refused = await cli(['program', 'upgrade', id, governed, '--canary', '10', '--private-key', key]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /ROLLOUT_UPGRADE_REFUSED/, refused.stderr);
    const untouched = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}/history`)).json()) as any;
    assert.deepEqual([untouched.editions.length, untouched.rollouts.length], [1, 0], 'nothing changed');

    const up = await cli([
      'program',
      'update',
      id,
      v2,
      '--canary',
      '20',
      '--step-seconds',
      '3600',
      '--private-key',
      key,
    ]);
    assert.equal(up.code, 0, up.stderr);
    const shown = await cli(['program', 'rollout', id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^Status:\s+active$/m);
    assert.match(shown.stdout, /20 → 100 %, every 3600 s/);
    const abort = await cli(['program', 'rollout', id, '--abort', '--reason', 'manual check', '--private-key', key]);
    assert.equal(abort.code, 0, abort.stderr);
    assert.match(abort.stdout, /^edition 1 aborted: manual check \(by 0x/m);
    const hist = await cli(['program', 'history', id]);
    assert.match(hist.stdout, /Rollouts:[\s\S]*edition 1 started serving 20 %[\s\S]*edition 1 aborted: manual check/);
    assert.match(hist.stdout, /^1 \(aborted\)\s/m, 'the editions table marks the aborted edition');

    const toAborted = await cli(['program', 'rollback', id, '--to', '1', '--private-key', key]);
    assert.match(toAborted.stderr, /ROLLBACK_TARGET_ABORTED/);
    // The manual abort put edition 0 back in force: the next upgrade is edition 2, and it serves.
    const aborted = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}`)).json()) as any;
    assert.deepEqual([aborted.edition, aborted.next_edition], [0, 2]);
    const v3 = t.codeDir({ 'main.js': answer('c3') });
    const up3 = await cli(['program', 'update', id, v3, '--private-key', key]);
    assert.equal(up3.code, 0, up3.stderr);
    const deadline = Date.now() + 30_000;
    let served = await editionOf(id);
    while (Date.now() < deadline && served.edition !== '2') served = await editionOf(id);
    assert.deepEqual([served.status, served.edition, served.body], [200, '2', 'c3']);
    const dry = await cli(['program', 'rollback', id, '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(JSON.parse(dry.stdout).verdict.verdict, 'accepted');
    const back = await cli(['program', 'rollback', id, '--private-key', key, '--json']);
    assert.equal(back.code, 0, back.stderr);
    const h = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}/history`)).json()) as any;
    assert.equal(h.editions.at(-1).edition, 3, 'a rollback is a new edition: numbers are never reused');
    assert.equal(h.editions.at(-1).checksum, h.editions[0].checksum);
  });
});
