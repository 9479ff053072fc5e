import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../../../../client/accounts/account.js';
import { startDevnet, type Devnet } from '../../../../devnet/startDevnet.js';
import { runCli, type RunCliResult } from '../../../testing/runCli.js';

const key = generatePrivateKey();
const me = accountFromPrivateKey(key);
const stranger = accountFromPrivateKey(generatePrivateKey());
let devnet: Devnet;
let home: string;
let code: string;

const cli = (args: string[]): Promise<RunCliResult> => runCli([...args], { home, apiUrl: devnet.apiUrl });
const signed = (args: string[]) => cli([...args, '--private-key', key]);
const json = (r: RunCliResult) => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, any>;
};
const write = (constructor: string, main: string) => {
  writeFileSync(join(code, 'program.toml'), `name = "governed"\nconstructor = '${constructor}'\n`);
  writeFileSync(join(code, 'main.py'), main);
};

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'aleph-cli-gov-'));
  devnet = await startDevnet({ home: join(home, 'devnet'), apiPort: 0 });
  code = mkdtempSync(join(tmpdir(), 'aleph-gov-code-'));
});
after(async () => {
  await devnet.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(code, { recursive: true, force: true });
});

test('show, checksum, upgrade --dry-run, upgrade and history on an @admin program', async () => {
  const admin = `@admin(address="${me.address}")`;
  write(admin, 'v = 1\n');
  const { id } = json(await signed(['program', 'create', code, 'main:app', '--updatable', '--json']));

  const show = await cli(['program', 'show', id]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /Upgrade policy:\s+compatible/);
  assert.ok(show.stdout.includes(`constructor:\n    assert.eq program_owner ${me.address};`), show.stdout);
  const before = json(await cli(['program', 'show', id, '--json']));
  assert.equal(before.edition, 0);

  write(admin, 'v = 2\n');
  const local = await cli(['program', 'checksum', id, code]);
  assert.equal(local.code, 0, local.stderr);
  const checksum = local.stdout.trim();
  assert.match(checksum, /^[0-9a-f]{64}$/);

  const dry = json(await signed(['program', 'upgrade', id, code, '--dry-run', '--json']));
  assert.equal(dry.accepted, true);
  assert.equal(dry.verdict, 'accepted');

  // A malformed candidate is the request's fault: printed as a request error naming the field, never as a verdict.
  const bad = join(home, 'bad.json');
  writeFileSync(bad, JSON.stringify({ type: 'vm-function', code: 'not an object' }));
  const malformed = await cli(['program', 'upgrade', id, '--content', bad, '--dry-run']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /^Error \[DRY_RUN_INVALID\]: the candidate content: .*"code"/);
  assert.doesNotMatch(malformed.stdout, /Verdict/);
  writeFileSync(bad, '{not json');
  const notJson = await cli(['program', 'upgrade', id, '--content', bad, '--dry-run']);
  assert.match(notJson.stderr, /^Error \[OPTION_INVALID_JSON\]: --content .* is not JSON/);
  assert.equal(dry.checksum, checksum, 'the CLI computes the checksum the node computes');
  const refused = await cli(['program', 'upgrade', id, code, '--dry-run', '--sender', stranger.address]);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /Verdict:\s+refused/);
  assert.match(refused.stdout, /CONSTRUCTOR_FAILED/);
  assert.match(refused.stdout, /Rule:\s+constructor:/);
  assert.equal(json(await cli(['program', 'show', id, '--json'])).edition, 0, 'a dry run changes nothing');

  const up = await signed(['program', 'upgrade', id, code]);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /Verdict:\s+accepted/);
  const after = json(await cli(['program', 'show', id, '--json']));
  assert.equal(after.edition, 1);
  assert.equal(after.checksum, checksum);

  write('@noupgrade', 'v = 3\n');
  const changed = await signed(['program', 'upgrade', id, code, '--json']);
  assert.equal(changed.code, 1, changed.stdout + changed.stderr);
  assert.equal(JSON.parse(changed.stdout).verdict.error_code, 'CONSTRUCTOR_CHANGED');

  const history = await cli(['program', 'history', id]);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /created/);
  assert.match(history.stdout, new RegExp(`1 .*${me.address}.*amend.*code.*${checksum}`));
  assert.match(history.stdout, /CONSTRUCTOR_CHANGED\s+constructor: the constructor is fixed at edition 0/);
});

test('approve counts for @multisig; a bad checksum is refused before signing', async () => {
  const multisig = `@multisig(threshold=1, signers=["${stranger.address}"])`;
  write(multisig, 'm = 1\n');
  const { id } = json(await signed(['program', 'create', code, 'main:app', '--updatable', '--json']));
  write(multisig, 'm = 2\n');
  const checksum = (await cli(['program', 'checksum', id, code])).stdout.trim();
  const bad = await signed(['program', 'approve', id, 'nope']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /OPTION_INVALID_CHECKSUM/);
  const dry = await signed(['program', 'upgrade', id, code, '--dry-run', '--json']);
  assert.equal(dry.code, 1);
  assert.equal(JSON.parse(dry.stdout).error_code, 'MULTISIG_THRESHOLD_NOT_MET');
  const badEdition = await signed(['program', 'approve', id, checksum, '--edition', '0']);
  assert.equal(badEdition.code, 1);
  assert.match(badEdition.stderr, /OPTION_INVALID_EDITION/);
  // Approvals are single-use: one for edition 2 does not count for the upgrade to edition 1.
  const later = json(
    await cli(['program', 'approve', id, checksum, '--edition', '2', '--private-key', stranger.privateKey, '--json']),
  );
  assert.equal(later.edition, 2);
  assert.equal(
    JSON.parse((await signed(['program', 'upgrade', id, code, '--dry-run', '--json'])).stdout).error_code,
    'MULTISIG_THRESHOLD_NOT_MET',
  );
  const ok = await cli(['program', 'approve', id, checksum, '--private-key', stranger.privateKey]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /as edition 1 of /);
  assert.equal(json(await signed(['program', 'upgrade', id, code, '--json'])).verdict.verdict, 'accepted');
});

test("update, persist and message amend report the program's verdict, not only the message's", async () => {
  // @noupgrade (an immutable program cannot follow code with use_latest at all): the STORE amend is
  // accepted, the program's constructor refuses to adopt it.
  write('@noupgrade', 'n = 1\n');
  const frozen = json(await signed(['program', 'create', code, 'main:app', '--updatable', '--json'])).id as string;
  write('@noupgrade', 'n = 2\n');
  const refused = await signed(['program', 'update', frozen, code]);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /Verdict:\s+refused/);
  assert.match(refused.stdout, /^Rule:\s+constructor: /m);
  assert.match(refused.stdout, /^Refused \[CONSTRUCTOR_FAILED\]: .*assert\.eq edition 0u16/m);
  assert.match(refused.stdout, /^Hint: /m);
  assert.ok(
    refused.stdout.startsWith(`Published the code of program ${frozen} (processed).\n  STORE amend: `),
    'the STORE amend itself is accepted',
  );
  const stays = await signed(['program', 'persist', frozen, '--json']);
  assert.equal(stays.code, 1, stays.stderr);
  const stayed = JSON.parse(stays.stdout);
  assert.equal(stayed.status, 'rejected');
  assert.equal(stayed.verdict.error_code, 'CONSTRUCTOR_FAILED');
  assert.equal(json(await cli(['program', 'show', frozen, '--json'])).edition, 0, 'both refusals leave edition 0');

  // @admin owned by the CLI's key: each path reports the new edition and its checksum.
  const admin = `@admin(address="${me.address}")`;
  write(admin, 'a = 1\n');
  const id = json(await signed(['program', 'create', code, 'main:app', '--updatable', '--json'])).id as string;
  write(admin, 'a = 2\n');
  const updated = await signed(['program', 'update', id, code]);
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stdout, /Verdict:\s+accepted/);
  assert.match(updated.stdout, /^Edition:\s+1$/m);
  assert.match(updated.stdout, /^Checksum:\s+[0-9a-f]{64}$/m);
  const persisted = json(await signed(['program', 'persist', id, '--json']));
  assert.equal(persisted.verdict.verdict, 'accepted');
  assert.equal(persisted.verdict.edition, 2);
  assert.deepEqual(
    persisted.program_verdicts.map((v: { program_id: string }) => v.program_id),
    [id],
  );
  const editor = join(home, 'edit.sh');
  writeFileSync(editor, `#!/bin/sh\nsed -i 's/"vcpus": 1/"vcpus": 2/' "$1"\n`);
  chmodSync(editor, 0o755);
  const amended = await runCli(['message', 'amend', id, '--private-key', key], {
    home,
    apiUrl: devnet.apiUrl,
    env: { EDITOR: editor },
  });
  assert.equal(amended.code, 0, amended.stderr);
  assert.match(amended.stdout, /Verdict:\s+accepted/);
  assert.match(amended.stdout, /^Edition:\s+3$/m);
});
