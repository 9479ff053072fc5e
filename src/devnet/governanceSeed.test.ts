/**
 * The four upgrade patterns of the Leo guide (seed 002), verbatim, end to end through a running devnet:
 * signed messages in, the node's verdicts out. The addresses are Ethereum ones (DESIGN §4), the rest is
 * the seed's text.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getJson, newAccount, storeFile, uploadWithStore } from '../node/testing/nodeHarness.js';
import {
  amendCode,
  amendFile,
  codeZip,
  deployCode,
  programState,
  replaceWith,
  setAggregate,
} from '../node/testing/governanceHarness.js';
import { advanceToHeight, ManualClock } from '../node/testing/manualClock.js';
import { startDevnet, type Devnet } from './startDevnet.js';
import { SEED_TIMELOCK_AVM } from '../policy/testing/seedAvm.js';

const MAIN = 'async def app(scope, receive, send):\n    pass\n';
const files = (constructor: string, main = MAIN) => ({
  'program.toml': `upgrade_policy = "compatible"\nconstructor = '''\n${constructor}\n'''\n`,
  'main.py': main,
});

describe('seed 002 patterns through a running devnet', () => {
  let devnet: Devnet;
  let home: string;
  let url: string;
  let runtime: string;
  const [admin, stranger, voter] = [newAccount(), newAccount(), newAccount()];
  const clock = new ManualClock();
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-devnet-gov-'));
    devnet = await startDevnet({ home, apiPort: 0, clock });
    url = devnet.apiUrl;
    runtime = Object.values(devnet.runtimes)[0];
  });
  after(async () => {
    await devnet.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("pattern 1, @noupgrade: the AVM is the seed's, and an upgrade is refused with edition staying 0", async () => {
    const source =
      '@noupgrade\nasync constructor() {\n    // The Leo compiler automatically generates the constructor logic.\n}';
    const d = await deployCode(url, admin, files(source), { runtime });
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    assert.equal((await programState(url, d.id)).view.constructor.avm, 'constructor:\n    assert.eq edition 0u16;');
    const r = await replaceWith(url, admin, d.id, (c) => ({ ...c, variables: { MODE: 'v2' } }));
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'CONSTRUCTOR_FAILED');
    assert.equal(r.body.details.instruction, 'assert.eq edition 0u16;');
    const s = await programState(url, d.id);
    assert.equal(s.view.edition, 0);
    assert.equal(s.history.rejected[0].error_code, 'CONSTRUCTOR_FAILED');
  });

  it('pattern 2, @admin: the admin upgrades; an amend through a volume owned by someone else is refused', async () => {
    const vol = await storeFile(url, stranger, Buffer.from('shared data v1'));
    const d = await deployCode(
      url,
      admin,
      files(
        `@admin(address="${admin.address}")\nasync constructor() {\n    // The Leo compiler automatically generates the constructor logic.\n}`,
      ),
      {
        runtime,
        volumes: [{ mount: '/data', ref: vol, use_latest: true }],
      },
    );
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    assert.equal(
      (await programState(url, d.id)).view.constructor.avm,
      `constructor:\n    assert.eq program_owner ${admin.address};`,
    );
    const ok = await amendCode(url, admin, d.code, files(`@admin(address="${admin.address}")`, MAIN + '# v2\n'));
    assert.equal(ok.body.program_verdicts[0].verdict, 'accepted', JSON.stringify(ok.body));
    const viaVolume = await amendFile(url, stranger, vol, Buffer.from('shared data v2'));
    assert.equal(viaVolume.status, 200, 'the stranger may amend their own file');
    assert.equal(viaVolume.body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    const s = await programState(url, d.id);
    assert.equal(s.view.edition, 1);
    assert.equal(s.view.resolved.find((r: any) => r.kind === 'volume').version, vol);
  });

  it('pattern 3, @checksum: a voting AGGREGATE holds the approved checksum; unapproved refused, approved accepted', async () => {
    const mapping = `${voter.address}/approved_checksum`;
    const source = `@checksum(mapping="${mapping}", key="true")\nasync constructor() {\n    // The Leo compiler automatically generates the constructor logic.\n}`;
    const d = await deployCode(url, admin, files(source), { runtime });
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    assert.equal(
      (await programState(url, d.id)).view.constructor.avm,
      `constructor:\n    branch.eq edition 0u16 to end;\n    get ${mapping}[true] into r0;\n    assert.eq checksum r0;\n    position end;`,
    );
    const next = files(source, MAIN + '# voted\n');
    const up = await uploadWithStore(url, codeZip(next));
    const dry = (await (
      await fetch(`${url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code_hash: up.body.hash }),
      })
    ).json()) as any;
    assert.equal(dry.error_code, 'CONSTRUCTOR_FAILED');
    const refused = await amendCode(url, admin, d.code, next);
    assert.equal(refused.body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    assert.equal((await setAggregate(url, voter, 'approved_checksum', { true: 'ab'.repeat(32) })).status, 200);
    assert.equal((await amendCode(url, admin, d.code, next)).body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    // A bare checksum is unbound (it would approve a return to this code at any later edition): it counts for nothing.
    assert.equal((await setAggregate(url, voter, 'approved_checksum', { true: dry.checksum })).status, 200);
    assert.equal((await amendCode(url, admin, d.code, next)).body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    assert.equal(
      (
        await setAggregate(url, voter, 'approved_checksum', {
          true: { program_id: d.id, checksum: dry.checksum, edition: 1 },
        })
      ).status,
      200,
    );
    const accepted = await amendCode(url, admin, d.code, next);
    assert.equal(accepted.body.program_verdicts[0].verdict, 'accepted', JSON.stringify(accepted.body));
    const s = await programState(url, d.id);
    assert.equal(s.view.edition, 1);
    assert.equal(s.view.checksum, dry.checksum);
  });

  it('pattern 4, @custom time-lock by block.height: refused before height 1300, accepted at it', async () => {
    const source = `@custom
async constructor() {
    // For upgrades (edition > 0), enforce a block height condition on when the constructor can be called successfully
    if self.edition > 0u16 {
        assert(block.height >= 1300u32);
    }
}`;
    const d = await deployCode(url, admin, files(source), { runtime });
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    assert.equal((await programState(url, d.id)).view.constructor.avm, SEED_TIMELOCK_AVM);
    const early = await amendCode(url, admin, d.code, files(source, MAIN + '# early\n'));
    assert.equal(early.body.program_verdicts[0].error_code, 'CONSTRUCTOR_FAILED');
    assert.ok(early.body.program_verdicts[0].height < 1300);
    await advanceToHeight({ url, clock, intervalMs: devnet.node.pipeline.blocks.intervalMs }, 1300);
    const onTime = await amendCode(url, admin, d.code, files(source, MAIN + '# on time\n'));
    assert.equal(onTime.body.program_verdicts[0].verdict, 'accepted', JSON.stringify(onTime.body));
    assert.equal(onTime.body.program_verdicts[0].height, 1300);
    assert.equal((await getJson(url, `/api/v0/programs/${d.id}`)).body.edition, 1);
  });

  it('an immutable program with a use_latest volume is refused at deployment (DEP_WEAKER_POLICY)', async () => {
    const vol = await storeFile(url, admin, Buffer.from('data'));
    const toml = { 'program.toml': 'upgrade_policy = "immutable"\nconstructor = "@noupgrade"\n', 'main.py': MAIN };
    const d = await deployCode(url, admin, toml, {
      runtime,
      runtimeUseLatest: false,
      codeUseLatest: false,
      volumes: [{ mount: '/data', ref: vol, use_latest: true }],
    });
    assert.equal(d.answer.status, 422);
    assert.equal(d.answer.body.error_code, 'DEP_WEAKER_POLICY');
    assert.equal(d.answer.body.details.mount, '/data');
  });
});
