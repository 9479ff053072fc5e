import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../client/messages/buildProgram.js';
import { getJson, newAccount, postMessage, sign, storeFile, useTestNode } from '../testing/nodeHarness.js';
import { deployCode, governedFiles } from '../testing/governanceHarness.js';

describe('governed deployment', () => {
  const alice = newAccount();
  const bob = newAccount();
  const h = useTestNode();

  async function refused(toml: string, code: string) {
    const d = await deployCode(h.url, alice, governedFiles(toml));
    assert.equal(d.answer.status, 422, JSON.stringify(d.answer.body));
    assert.equal(d.answer.body.error_code, code);
    assert.equal((await getJson(h.url, `/api/v0/programs/${d.id}`)).status, 404);
    const msg = (await getJson(h.url, `/api/v0/messages/${d.id}`)).body;
    assert.equal(msg.status, 'rejected');
    assert.equal(msg.error_code, code);
    // The refusal stays on the would-be program's history.
    const history = (await getJson(h.url, `/api/v0/programs/${d.id}/history`)).body;
    assert.deepEqual(history.editions, []);
    assert.equal(history.rejected[0].error_code, code);
    assert.equal(history.rejected[0].cause_kind, 'deploy');
    return d.answer.body;
  }

  it('records edition 0 with checksum, policy and the constructor compiled to AVM', async () => {
    const d = await deployCode(h.url, alice, governedFiles('name = "n"\nconstructor = "@noupgrade"\n'));
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    assert.equal(d.answer.body.program_verdicts[0].verdict, 'accepted');
    const view = (await getJson(h.url, `/api/v0/programs/${d.id}`)).body;
    assert.equal(view.edition, 0);
    assert.equal(view.governed, true);
    assert.equal(view.upgrade_policy, 'compatible');
    assert.match(view.checksum, /^[0-9a-f]{64}$/);
    assert.deepEqual(view.constructor, {
      annotation: '@noupgrade',
      kind: 'noupgrade',
      avm: 'constructor:\n    assert.eq edition 0u16;',
      params: {},
    });
    assert.equal(view.version.message_hash, d.id);
    assert.equal(view.resolved_edition.code.encoding, 'zip');
    assert.deepEqual(view.pending, []);
    const history = (await getJson(h.url, `/api/v0/programs/${d.id}/history`)).body;
    assert.equal(history.editions.length, 1);
    assert.deepEqual(history.editions[0].changes, ['created']);
    assert.equal(history.editions[0].sender, alice.address);
    assert.equal(history.editions[0].checksum, view.checksum);
  });

  it('a program without program.toml is plain: no policy, no constructor', async () => {
    const d = await deployCode(h.url, alice, { 'main.py': 'x = 1\n' });
    assert.equal(d.answer.status, 200);
    const view = (await getJson(h.url, `/api/v0/programs/${d.id}`)).body;
    assert.equal(view.governed, false);
    assert.equal(view.upgrade_policy, null);
    assert.equal(view.constructor, null);
  });

  it('refuses a malformed program.toml, naming the line', async () => {
    const body = await refused('name = "x"\nconstructor = "@noupgrade"\nupgrade_policy = \n', 'MANIFEST_INVALID');
    assert.equal(body.details.line, 3);
    assert.match(body.details.message, /line 3/);
  });

  it('refuses an unknown annotation and a loop in @custom, naming the line', async () => {
    const unknown = await refused('name = "x"\n\nconstructor = "@sometimes"\n', 'CONSTRUCTOR_UNKNOWN_ANNOTATION');
    assert.match(unknown.details.message, /line 3/);
    const loop = await refused("constructor = '''\n@custom\nwhile true {}\n'''\n", 'CONSTRUCTOR_COMPILE_ERROR');
    assert.match(loop.details.message, /line 3: .*unexpected "while"/);
  });

  it('refuses a malformed mapping or address in an annotation', async () => {
    await refused('constructor = \'@checksum(mapping="not-a-mapping", key="true")\'\n', 'CONSTRUCTOR_COMPILE_ERROR');
    await refused('constructor = \'@admin(address="0x123")\'\n', 'CONSTRUCTOR_COMPILE_ERROR');
  });

  it('a program.toml without constructor is refused (a governed program must declare one)', async () => {
    await refused('name = "x"\nupgrade_policy = "compatible"\n', 'CONSTRUCTOR_MISSING');
  });

  it('the constructor runs at deployment: @admin refuses a deployment by anyone but the admin', async () => {
    const toml = `constructor = '@admin(address="${alice.address}")'\n`;
    assert.equal((await deployCode(h.url, alice, governedFiles(toml))).answer.status, 200);
    const byBob = await deployCode(h.url, bob, governedFiles(toml));
    assert.equal(byBob.answer.status, 422);
    assert.equal(byBob.answer.body.error_code, 'CONSTRUCTOR_FAILED');
    assert.match(byBob.answer.body.details.instruction, /assert\.eq program_owner/);
  });

  it('an immutable program cannot follow a volume, code or runtime with use_latest (DEP_WEAKER_POLICY)', async () => {
    const toml = 'upgrade_policy = "immutable"\nconstructor = "@noupgrade"\n';
    const followed = await deployCode(h.url, alice, governedFiles(toml), {
      codeUseLatest: false,
      runtimeUseLatest: true,
    });
    assert.equal(followed.answer.status, 422);
    assert.equal(followed.answer.body.error_code, 'DEP_WEAKER_POLICY');
    assert.equal(followed.answer.body.details.target, 'runtime');
    const pinned = await deployCode(h.url, alice, governedFiles(toml), {
      codeUseLatest: false,
      runtimeUseLatest: false,
    });
    assert.equal(pinned.answer.status, 200, JSON.stringify(pinned.answer.body));
  });

  it('a non-inline function must ship its source file', async () => {
    const toml =
      'constructor = "@noupgrade"\n[interface.functions.score]\ninputs = ["u32"]\noutputs = ["u64"]\nsource = "lib/score.py"\n';
    await refused(toml, 'FUNCTION_SOURCE_MISSING');
    const ok = await deployCode(
      h.url,
      alice,
      governedFiles(toml, undefined, { 'lib/score.py': 'def score(x): return x\n' }),
    );
    assert.equal(ok.answer.status, 200, JSON.stringify(ok.answer.body));
  });

  const hasMksquashfs = (() => {
    try {
      execFileSync('mksquashfs', ['-version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it('reads program.toml from squashfs code (unsquashfs -cat)', {
    skip: !hasMksquashfs && 'mksquashfs not installed',
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aleph-sqfs-'));
    const img = `${dir}.img`;
    try {
      writeFileSync(join(dir, 'program.toml'), 'constructor = "@noupgrade"\n');
      writeFileSync(join(dir, 'main.py'), 'x = 1\n');
      execFileSync('mksquashfs', [dir, img, '-noappend', '-quiet'], { stdio: 'ignore' });
      const image = readFileSync(img);
      const code = await storeFile(h.url, alice, image);
      const runtime = await storeFile(h.url, alice, Buffer.from('rt squashfs'));
      const msg = await sign(
        alice,
        buildProgram({ sender: alice.address, codeRef: code, entrypoint: 'main:app', encoding: 'squashfs', runtime }),
      );
      assert.equal((await postMessage(h.url, msg)).status, 200);
      const view = (await getJson(h.url, `/api/v0/programs/${msg.item_hash}`)).body;
      assert.equal(view.governed, true);
      assert.equal(view.constructor.kind, 'noupgrade');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(img, { force: true });
    }
  });
});
