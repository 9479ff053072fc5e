import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flatten, runCli } from './testing/runCli.js';

const RUNTIME = '63f07193e6ee9d207b7d1fcf8286f9aee34e6f12f101d2ec77c1229f92964696';

test('aleph --help lists every command group', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const c of ['account', 'file', 'message', 'program', 'devnet', '--api-url'])
    assert.match(r.stdout, new RegExp(`\\s${c}\\b`));
});

test('aleph program --help lists the seed commands and the governance ones', async () => {
  const r = await runCli(['program', '--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const c of [
    'create|upload',
    'update',
    'delete',
    'list',
    'persist|persistent',
    'unpersist|unpersistent',
    'logs',
    'runtime-checker',
    'show',
    'history',
    'checksum',
    'upgrade',
    'approve',
  ]) {
    assert.ok(r.stdout.includes(c), `missing ${c}`);
  }
});

test('aleph program create --help lists every seed option with its default', async () => {
  const r = await runCli(['program', 'create', '--help']);
  assert.equal(r.code, 0, r.stderr);
  const help = flatten(r.stdout);
  const expected: [string, string | null][] = [
    ['--name', null],
    ['--runtime', `[default: ${RUNTIME}]`],
    ['--compute-units', 'no effect'],
    ['--vcpus', null],
    ['--memory', null],
    ['--timeout-seconds', '[default: 30.0]'],
    ['--internet', '[default: no-internet]'],
    ['--no-internet', null],
    ['--updatable', '[default: no-updatable]'],
    ['--no-updatable', null],
    ['--beta', '[default: no-beta]'],
    ['--persistent', '[default: no-persistent]'],
    ['--skip-volume', '[default: no-skip-volume]'],
    ['--persistent-volume', 'name=data,mount=/opt/data,size_mib=1000'],
    ['--ephemeral-volume', 'mount=/opt/tmp,size_mib=100'],
    ['--immutable-volume', 'mount=/opt/packages,ref='],
    ['--skip-env-var', '[default: no-skip-env-var]'],
    ['--env-vars', 'KEY=value,KEY=value'],
    ['--address', null],
    ['--payment-chain', '[AVAX, BASE, ETH, SOL]'],
    ['--channel', '[default: ALEPH-CLOUDSOLUTIONS]'],
    ['--private-key', null],
    ['--private-key-file', `[default: ${r.home}/.aleph-im/private-keys/ethereum.key]`],
    ['--print-messages', '[default: no-print-messages]'],
    ['--print-code-message', '[default: no-print-code-message]'],
    ['--print-program-message', '[default: no-print-program-message]'],
    ['--verbose', '[default: verbose]'],
    ['--debug', '[default: no-debug]'],
  ];
  for (const [flag, text] of expected) {
    assert.ok(new RegExp(`${flag}\\b`).test(help), `missing ${flag}`);
    if (text) assert.ok(help.includes(text), `missing "${text}" for ${flag}`);
  }
  assert.ok(r.stdout.includes('create|upload'));
});

test('the other seed commands carry their options and defaults', async () => {
  const cases: [string[], string[]][] = [
    [
      ['program', 'delete', '--help'],
      [
        '[default: User deletion]',
        '[default: no-keep-code]',
        '--chain',
        '--print-message',
        '[default: verbose]',
        '--debug',
      ],
    ],
    [
      ['program', 'list', '--help'],
      ['--address', '--chain', '--private-key-file', '[default: no-json]', '--debug'],
    ],
    [
      ['program', 'persist', '--help'],
      ['[default: no-keep-prev]', 'no effect', '--print-message', '[default: verbose]'],
    ],
    [
      ['program', 'unpersist', '--help'],
      ['[default: no-keep-prev]', '--chain'],
    ],
    [
      ['program', 'logs', '--help'],
      ['--domain', '--chain', '--private-key', '--debug'],
    ],
    [
      ['program', 'runtime-checker', '--help'],
      ['--chain', '[default: no-verbose]', '--debug'],
    ],
    [
      ['program', 'update', '--help'],
      ['ITEM_HASH', 'PATH', '--print-message'],
    ],
    [['message', 'amend', '--help'], ['$EDITOR']],
    [
      ['devnet', '--help'],
      ['--home', '[default: 4024]', '[default: 4020]'],
    ],
  ];
  for (const [args, needles] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    for (const n of needles) assert.ok(flatten(r.stdout).includes(n), `${args.join(' ')}: missing ${n}`);
  }
});

test('errors print a code and a hint, exit 1', async () => {
  const r = await runCli(['account', 'address']);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^Error \[ACCOUNT_KEY_MISSING\]: no private key file at .*ethereum\.key\nHint: create one with `aleph account create`/,
  );
  const down = await runCli(['message', 'get', 'ab'.repeat(32)], { apiUrl: 'http://127.0.0.1:9' });
  assert.equal(down.code, 1);
  assert.match(
    down.stderr,
    /^Error \[NODE_UNREACHABLE\]: cannot reach http:\/\/127\.0\.0\.1:9\nHint: start a local network with `aleph devnet`/,
  );
});

test('a mistake in a numeric option is a CLI error with a hint, not UNEXPECTED', async () => {
  const vcpus = await runCli(['program', 'create', '.', 'main:app', '--vcpus', '0']);
  assert.equal(vcpus.code, 1);
  assert.match(
    vcpus.stderr,
    /^Error \[OPTION_INVALID_NUMBER\]: --vcpus must be a positive whole number, not "0"\nHint: /,
  );
  const port = await runCli(['devnet', '--api-port', '99999']);
  assert.equal(port.code, 1);
  assert.match(
    port.stderr,
    /^Error \[OPTION_INVALID_PORT\]: --api-port must be a port from 0 to 65535, not "99999"\nHint: /,
  );
});

test('account create then address, without a node', async () => {
  const created = await runCli(['account', 'create', '--json']);
  assert.equal(created.code, 0, created.stderr);
  const { address } = JSON.parse(created.stdout) as { address: string };
  const again = await runCli(['account', 'address'], { home: created.home });
  assert.equal(again.stdout.trim(), address);
  const refused = await runCli(['account', 'create'], { home: created.home });
  assert.match(refused.stderr, /ACCOUNT_KEY_EXISTS/);
});
