import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildProgram, buildProgramReplacement } from '../../client/messages/buildProgram.js';
import { buildStore } from '../../client/messages/buildStore.js';
import { createNode } from '../createNode.js';
import {
  getJson,
  newAccount,
  postMessage,
  sign,
  storeFile,
  uploadWithStore,
  useTestNode,
} from '../testing/nodeHarness.js';
import { codeZip, deployCode, governedFiles, programState, replaceWith } from '../testing/governanceHarness.js';
import { advanceToHeight, ManualClock } from '../testing/manualClock.js';

const custom = (body: string) => `constructor = '''\n@custom\nif self.edition > 0u16 {\n    ${body}\n}\n'''\n`;

describe("block.height and block.timestamp are the writer's: the sender cannot move them (issue 13)", () => {
  const [alice, filler] = [newAccount(), newAccount()];
  const h = useTestNode();
  const height = async () => (await getJson(h.url, '/api/v0/height')).body.height as number;

  /** A replacement of `id` signed with the envelope and content `time` the attacker chooses. */
  async function replaceAt(id: string, time: number, variables: Record<string, string>) {
    const { replaces: _r, time: _t, ...content } = (await getJson(h.url, `/api/v0/programs/${id}`)).body.content;
    const msg = await sign(
      alice,
      buildProgramReplacement({
        sender: alice.address,
        programId: id,
        time,
        content: { ...content, variables, address: alice.address },
      }),
    );
    return { ...(await postMessage(h.url, msg)), hash: msg.item_hash };
  }

  it('a lock on block.timestamp does not open when the upgrade is signed with a time past it', async () => {
    const opensAt = Math.floor(h.clock.now() / 1000) + 60;
    const d = await deployCode(h.url, alice, governedFiles(custom(`assert(block.timestamp >= ${opensAt}i64);`)));
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const forged = await replaceAt(d.id, opensAt + 1, { V: 'forged' });
    assert.equal(forged.status, 422, JSON.stringify(forged.body));
    assert.equal(forged.body.error_code, 'CONSTRUCTOR_FAILED');
    assert.equal((await programState(h.url, d.id)).view.edition, 0);

    // Once the writer's clock passes it, an upgrade signed with an old time is accepted.
    await h.clock.advance(61_000);
    const onTime = await replaceAt(d.id, opensAt - 3600, { V: 'on time' });
    assert.equal(onTime.status, 200, JSON.stringify(onTime.body));
    const s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 1);
    assert.ok(s.history.editions[1].time >= opensAt, "the history shows the writer's time, not the signed one");
  });

  it('siblings: a STORE amend, a deployment and a dry-run with a forged time do not open the lock either', async () => {
    const opensAt = Math.floor(h.clock.now() / 1000) + 60;
    const lock = custom(`assert(block.timestamp >= ${opensAt}i64);`);
    const d = await deployCode(h.url, alice, governedFiles(lock));
    const next = codeZip(governedFiles(lock, 'v2\n'));
    const amend = await sign(alice, buildStore({ sender: alice.address, file: next, ref: d.code, time: opensAt + 1 }));
    const viaStore = await uploadWithStore(h.url, next, amend);
    assert.equal(viaStore.status, 200, 'the amend itself is accepted');
    assert.equal(viaStore.body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    const dry = (await (
      await fetch(`${h.url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          time: opensAt + 1,
          content: {
            ...(
              await getJson(h.url, `/api/v0/programs/${d.id}`)
            ).body.content,
            time: opensAt + 1,
            variables: { V: 'x' },
          },
        }),
      })
    ).json()) as any;
    assert.equal(dry.error_code, 'CONSTRUCTOR_FAILED', 'a dry run predicts the writer, not the requested time');

    // Edition 0 runs a constructor without an edition guard: a deployment signed in the future is refused too.
    const code = await storeFile(
      h.url,
      alice,
      codeZip(governedFiles(`constructor = '''\n@custom\nassert(block.timestamp >= ${opensAt}i64);\n'''\n`)),
    );
    const runtime = await storeFile(h.url, alice, Buffer.from('rt'));
    const deploy = await sign(
      alice,
      buildProgram({ sender: alice.address, codeRef: code, entrypoint: 'main:app', runtime, time: opensAt + 1 }),
    );
    const early = await postMessage(h.url, deploy);
    assert.equal(early.status, 422);
    assert.equal(early.body.error_code, 'CONSTRUCTOR_FAILED');
    assert.equal((await programState(h.url, d.id)).view.edition, 0);
  });

  it('1,005 filler POSTs from an unrelated key do not clear @timelock(delay=1000) nor move the height', async () => {
    const d = await deployCode(h.url, alice, governedFiles("constructor = '@timelock(delay=1000)'\n"));
    const announced = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, variables: { V: '2' } }));
    assert.equal(announced.body.program_verdicts[0].verdict, 'pending', JSON.stringify(announced.body));
    const start = await height();
    assert.equal(announced.body.program_verdicts[0].effective_height, start + 1000);
    for (let sent = 0; sent < 1005; sent += 67) {
      const batch = await Promise.all(
        Array.from({ length: 67 }, (_, i) =>
          sign(filler, buildPost({ sender: filler.address, type: 'filler', content: { n: sent + i } })),
        ),
      );
      const answers = await Promise.all(batch.map((m) => postMessage(h.url, m)));
      assert.ok(answers.every((a) => a.status === 200));
    }
    assert.equal(await height(), start, 'messages do not cut blocks');
    let s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 0);
    assert.equal(s.view.pending.length, 1);

    // The same filler against the seed's own @custom lock on block.height: the lock holds too.
    const lock = await deployCode(h.url, alice, governedFiles(custom(`assert(block.height >= ${start + 10}u32);`)));
    const early = await replaceWith(h.url, alice, lock.id, (c) => ({ ...c, variables: { V: 'early' } }));
    assert.equal(early.body.error_code, 'CONSTRUCTOR_FAILED');

    await advanceToHeight(h, start + 999);
    assert.equal((await programState(h.url, d.id)).view.edition, 0, 'one block short');
    await advanceToHeight(h, start + 1000);
    s = await programState(h.url, d.id);
    assert.equal(s.view.edition, 1, 'applied when the block begins, with no message');
    assert.equal(s.history.editions[1].height, start + 1000);
    assert.equal(s.history.pending[0].settled_height, start + 1000);
    assert.equal((await replaceWith(h.url, alice, lock.id, (c) => ({ ...c, variables: { V: 'late' } }))).status, 200);
  });

  it('a time-locked upgrade of a program forgotten meanwhile is refused at its block; the writer keeps going', async () => {
    const d = await deployCode(h.url, alice, governedFiles("constructor = '@timelock(delay=2)'\n"));
    const r = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, variables: { V: '2' } }));
    const effective = r.body.program_verdicts[0].effective_height as number;
    assert.equal(
      (
        await postMessage(
          h.url,
          await sign(alice, buildForget({ sender: alice.address, hashes: [d.id], reason: 'gone' })),
        )
      ).status,
      200,
    );
    await advanceToHeight(h, effective);
    const s = await programState(h.url, d.id);
    assert.equal(s.history.pending[0].status, 'refused');
    assert.ok(
      s.history.rejected.some((x: any) => x.message_hash === r.hash && x.height === effective),
      JSON.stringify(s.history.rejected),
    );
    const after = await postMessage(
      h.url,
      await sign(filler, buildPost({ sender: filler.address, type: 'note', content: {} })),
    );
    assert.equal(after.status, 200);
  });

  it('GET /api/v0/height counts block intervals: empty ones too, and a dry-run judges at the current block', async () => {
    const before = await height();
    await h.clock.advance(3 * h.intervalMs);
    assert.equal(await height(), before + 3);
    await h.clock.advance(h.intervalMs / 2);
    assert.equal(await height(), before + 3, 'half an interval is no block');
    const d = await deployCode(h.url, alice, governedFiles("constructor = '@timelock(delay=7)'\n"));
    const dry = (await (
      await fetch(`${h.url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          content: { ...(await getJson(h.url, `/api/v0/programs/${d.id}`)).body.content, variables: { V: 'x' } },
        }),
      })
    ).json()) as any;
    assert.equal(dry.pending, true, JSON.stringify(dry));
    assert.equal(dry.effective_height, before + 3 + 7);
  });

  it("the writer's time never goes backwards, even when the wall clock does", async () => {
    const d = await deployCode(h.url, alice, governedFiles(`constructor = '@admin(address="${alice.address}")'\n`));
    const first = (await programState(h.url, d.id)).history.editions[0];
    const heightBefore = await height();
    await h.clock.set(h.clock.now() - 3_600_000);
    assert.equal(await height(), heightBefore, 'the height does not fall with the clock');
    assert.equal((await replaceWith(h.url, alice, d.id, (c) => ({ ...c, variables: { V: 'later' } }))).status, 200);
    const second = (await programState(h.url, d.id)).history.editions[1];
    assert.ok(second.time >= first.time, `${second.time} < ${first.time}`);
    assert.ok(second.height >= first.height);
  });
});

describe("the network's genesis, interval and latest time are kept in the store", () => {
  it('survive a restart with the clock set back, and the interval cannot be changed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-node-blocks-'));
    try {
      const clock = new ManualClock(1_800_000_000_000);
      let node = await createNode({ home, port: 0, signatureWorkers: 0, clock, blockIntervalMs: 500 });
      const alice = newAccount();
      await clock.advance(10_000);
      assert.equal(
        (
          await postMessage(
            node.url,
            await sign(alice, buildPost({ sender: alice.address, type: 'note', content: {} })),
          )
        ).status,
        200,
      );
      assert.equal((await getJson(node.url, '/api/v0/height')).body.height, 20);
      await node.close();

      const back = new ManualClock(1_800_000_000_000 - 86_400_000);
      node = await createNode({ home, port: 0, signatureWorkers: 0, clock: back });
      assert.equal(node.pipeline.blocks.intervalMs, 500, 'the stored interval, not the default');
      assert.equal(node.pipeline.blocks.genesisMs, 1_800_000_000_000);
      assert.equal((await getJson(node.url, '/api/v0/height')).body.height, 20, 'no height is handed out twice');
      await node.close();

      await assert.rejects(
        createNode({ home, port: 0, signatureWorkers: 0, clock: back, blockIntervalMs: 1000 }),
        (e: Error & { code?: string }) => e.code === 'NODE_SETTING_CHANGED',
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('blocks on a real clock', () => {
  it('a @timelock upgrade applies by itself once enough 50 ms blocks have elapsed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-node-realtime-'));
    const node = await createNode({ home, port: 0, signatureWorkers: 0, blockIntervalMs: 50 });
    try {
      const alice = newAccount();
      const d = await deployCode(node.url, alice, governedFiles("constructor = '@timelock(delay=6)'\n"));
      assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
      const r = await replaceWith(node.url, alice, d.id, (c) => ({ ...c, variables: { V: '2' } }));
      const effective = r.body.program_verdicts[0].effective_height as number;
      const deadline = Date.now() + 10_000;
      let edition = 0;
      while (edition === 0 && Date.now() < deadline) {
        edition = (await getJson(node.url, `/api/v0/programs/${d.id}`)).body.edition;
        if (edition === 0) await new Promise((res) => setTimeout(res, 20));
      }
      assert.equal(edition, 1, 'applied without any further message');
      const s = await programState(node.url, d.id);
      assert.equal(s.history.editions[1].height, effective);
      assert.ok((await getJson(node.url, '/api/v0/height')).body.height >= effective);
    } finally {
      await node.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
