import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../client/accounts/account.js';
import { getJson, startTestNode, storeFile, type Harness } from '../node/testing/nodeHarness.js';
import { runCli, type RunCliResult } from './testing/runCli.js';

const key = generatePrivateKey();
const me = accountFromPrivateKey(key);
let h: Harness;
let home: string;
let runtime: string;
const dirs: string[] = [];

const cli = (args: string[]): Promise<RunCliResult> => runCli([...args, '--private-key', key], { home, apiUrl: h.url });
const json = (r: RunCliResult) => {
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as Record<string, any>;
};
function codeDir(manifest: string | null, main = 'v = 1\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-pin-code-'));
  dirs.push(dir);
  if (manifest !== null) writeFileSync(join(dir, 'program.toml'), manifest);
  writeFileSync(join(dir, 'main.py'), main);
  return dir;
}
const create = (dir: string, extra: string[] = []) =>
  cli(['program', 'create', dir, 'main:app', '--runtime', runtime, '--skip-volume', '--skip-env-var', ...extra]);
const programContent = async (id: string) => (await getJson(h.url, `/api/v0/programs/${id}`)).body;

before(async () => {
  h = await startTestNode();
  home = mkdtempSync(join(tmpdir(), 'aleph-pin-home-'));
  runtime = await storeFile(h.url, me, Buffer.from(`runtime ${Math.random()}`));
});
after(async () => {
  await h.close();
  for (const d of [home, ...dirs]) rmSync(d, { recursive: true, force: true });
});

describe('pinned code: immutable programs deploy, plain ones may pin, and ossification goes through a replacement', () => {
  it('an immutable program.toml pins code and runtime and says so; --no-pin-code is refused by the dependency rule', async () => {
    const dir = codeDir('name = "frozen"\nupgrade_policy = "immutable"\nconstructor = \'@noupgrade\'\n');
    const out = await create(dir);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(
      out.stdout,
      /Pinned:\s+code, runtime and volumes \(use_latest: false\): program.toml says upgrade_policy = "immutable"/,
    );
    const r = json(await create(dir, ['--json']));
    assert.equal(r.pinned, true);
    const view = await programContent(r.id);
    assert.equal(view.upgrade_policy, 'immutable');
    assert.equal(view.content.code.use_latest, false);
    assert.equal(view.content.runtime.use_latest, false);

    const unpinned = await create(dir, ['--no-pin-code']);
    assert.notEqual(unpinned.code, 0);
    assert.match(unpinned.stdout + unpinned.stderr, /DEP_WEAKER_POLICY/);
  });

  it('a plain program pins with --pin-code and follows its code by default', async () => {
    const pinned = json(await create(codeDir(null), ['--pin-code', '--json']));
    assert.equal((await programContent(pinned.id)).content.code.use_latest, false);
    const plain = json(await create(codeDir(null), ['--json']));
    assert.equal(plain.pinned, false);
    assert.equal((await programContent(plain.id)).content.code.use_latest, true);
  });

  it('compatible -> immutable: `program upgrade` publishes a pinned PROGRAM replacement, accepted; after it nothing changes', async () => {
    const constructor = `@admin(address="${me.address}")`;
    const dir = codeDir(`name = "ossify"\nconstructor = '${constructor}'\n`);
    const { id } = json(await create(dir, ['--updatable', '--json']));
    writeFileSync(
      join(dir, 'program.toml'),
      `name = "ossify"\nupgrade_policy = "immutable"\nconstructor = '${constructor}'\n`,
    );
    writeFileSync(join(dir, 'main.py'), 'v = 2\n');
    const up = json(await cli(['program', 'upgrade', id, dir, '--json']));
    assert.equal(up.kind, 'replacement');
    assert.equal(up.pinned, true);
    assert.equal(up.verdict.verdict, 'accepted', JSON.stringify(up));
    assert.equal(up.verdict.edition, 1);
    const view = await programContent(id);
    assert.equal(view.id, id, 'the program keeps its id');
    assert.equal(view.upgrade_policy, 'immutable');
    assert.equal(view.current_hash, up.item_hash);
    assert.equal(view.content.code.use_latest, false);

    writeFileSync(join(dir, 'main.py'), 'v = 3\n');
    const again = await cli(['program', 'upgrade', id, dir, '--json']);
    assert.equal(again.code, 1, again.stdout + again.stderr);
    assert.equal(JSON.parse(again.stdout).verdict.error_code, 'UPGRADE_IMMUTABLE');
  });
});
