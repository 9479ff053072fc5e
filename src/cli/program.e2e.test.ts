import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startDevnet, type Devnet } from '../devnet/startDevnet.js';
import { runCli, type RunCliResult } from './testing/runCli.js';

let node: Devnet & { url: string };
let home: string;
let codeDir: string;

const cli = (args: string[], extra: { env?: Record<string, string> } = {}): Promise<RunCliResult> =>
  runCli(args, { home, apiUrl: node.url, ...extra });
const json = (r: RunCliResult) => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, any>;
};

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'aleph-cli-e2e-'));
  // The devnet, not a bare node: it publishes the default runtime the CLI's --runtime default points at.
  const devnet = await startDevnet({ home: join(home, 'devnet'), apiPort: 0 });
  node = Object.assign(devnet, { url: devnet.apiUrl });
  assert.equal((await runCli(['account', 'create'], { home })).code, 0);
  codeDir = mkdtempSync(join(tmpdir(), 'aleph-code-'));
  mkdirSync(join(codeDir, 'lib'));
  writeFileSync(join(codeDir, 'main.py'), 'async def app(scope, receive, send): pass\n');
  writeFileSync(join(codeDir, 'lib', 'util.py'), 'X = 1\n');
});

after(async () => node.close());

test('program create deploys code and program; list, message get, update and delete follow', async () => {
  const created = json(
    await cli([
      'program',
      'create',
      codeDir,
      'main:app',
      '--name',
      'hello',
      '--updatable',
      '--ephemeral-volume',
      'mount=/opt/tmp,size_mib=5',
      '--env-vars',
      'A=1',
      '--json',
    ]),
  );
  assert.match(created.id, /^[0-9a-f]{64}$/);
  assert.equal(created.url, `http://127.0.0.1:4020/vm/${created.id}`);

  const got = json(await cli(['message', 'get', created.id, '--json']));
  assert.equal(got.status, 'processed');
  const content = got.message.content;
  assert.equal(content.metadata.name, 'hello');
  assert.equal(content.allow_amend, true);
  assert.deepEqual(content.variables, { A: '1' });
  assert.deepEqual(content.resources, { vcpus: 1, memory: 128, seconds: 30 });
  assert.equal(content.code.ref, created.code_ref);

  const listed = await cli(['program', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(listed.stdout.includes(created.id) && listed.stdout.includes('hello'));

  writeFileSync(join(codeDir, 'main.py'), 'async def app(scope, receive, send): return 2\n');
  const updated = json(await cli(['program', 'update', created.id, codeDir, '--json']));
  assert.equal(updated.code_ref, created.code_ref);
  const amend = json(await cli(['message', 'get', updated.item_hash, '--json']));
  assert.equal(amend.message.content.ref, created.code_ref);

  const persisted = json(await cli(['program', 'persist', created.id, '--json']));
  assert.equal(persisted.id, created.id);
  const replacement = json(await cli(['message', 'get', persisted.item_hash, '--json']));
  assert.equal(replacement.message.content.on.persistent, true);
  assert.equal(replacement.message.content.replaces, created.id);

  const deleted = json(await cli(['program', 'delete', created.id, '--json']));
  assert.deepEqual(deleted.forgotten, [created.id, created.code_ref]);
  assert.equal(json(await cli(['message', 'get', created.id, '--json'])).status, 'forgotten');
});

test('message amend replaces a program through $EDITOR', async () => {
  const created = json(await cli(['program', 'create', codeDir, 'main:app', '--updatable', '--json']));
  const editor = join(home, 'edit.sh');
  // A scripted "editor": bump vcpus to 4 in the file it is given.
  writeFileSync(editor, `#!/bin/sh\nsed -i 's/"vcpus": 1/"vcpus": 4/' "$1"\n`);
  chmodSync(editor, 0o755);
  const r = json(await cli(['message', 'amend', created.id, '--json'], { env: { EDITOR: editor } }));
  const replacement = json(await cli(['message', 'get', r.item_hash, '--json']));
  assert.equal(replacement.message.content.resources.vcpus, 4);
  assert.equal(replacement.message.content.replaces, created.id);
});

test('a refused change prints the rule code and exits 1', async () => {
  const created = json(await cli(['program', 'create', codeDir, 'main:app', '--json']));
  const r = await cli(['program', 'persist', created.id]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error \[AMEND_NOT_ALLOWED\]/);
});

test('file upload prints the file hash and the STORE item hash', async () => {
  const file = join(home, 'data.bin');
  writeFileSync(file, 'some bytes');
  const r = json(await cli(['file', 'upload', file, '--json']));
  assert.equal(r.file_hash, createHash('sha256').update('some bytes').digest('hex'));
  assert.equal(json(await cli(['message', 'get', r.item_hash, '--json'])).message.content.item_hash, r.file_hash);
});
