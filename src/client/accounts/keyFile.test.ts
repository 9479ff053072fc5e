import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, defaultKeyFilePath, loadAccount } from './keyFile.js';
import { accountFromPrivateKey } from './account.js';

const KEY = '0x' + '11'.repeat(32);

test('the default key file lives under $HOME like aleph-client', () => {
  assert.equal(defaultKeyFilePath('/home/me'), '/home/me/.aleph-im/private-keys/ethereum.key');
});

test('createAccount writes a private 32-byte key that loadAccount reads back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-key-'));
  const path = join(dir, 'nested', 'ethereum.key');
  const { account } = createAccount({ path });
  assert.equal(readFileSync(path).length, 32);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(loadAccount({ path }).address, account.address);
});

test('createAccount refuses to overwrite unless replace', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'aleph-key-')), 'k');
  const first = createAccount({ path }).account.address;
  assert.throws(() => createAccount({ path }), { code: 'ACCOUNT_KEY_EXISTS' });
  const second = createAccount({ path, replace: true, privateKey: KEY }).account.address;
  assert.notEqual(first, second);
  assert.equal(second, accountFromPrivateKey(KEY).address);
});

test('loadAccount reads hex key files and key strings; errors never echo the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-key-'));
  writeFileSync(join(dir, 'hex'), '11'.repeat(32) + '\n');
  assert.equal(loadAccount({ path: join(dir, 'hex') }).address, accountFromPrivateKey(KEY).address);
  assert.equal(loadAccount({ privateKey: KEY, path: '/nonexistent' }).address, accountFromPrivateKey(KEY).address);
  assert.throws(() => loadAccount({ path: join(dir, 'missing') }), { code: 'ACCOUNT_KEY_MISSING' });
  writeFileSync(join(dir, 'bad'), 'not a key');
  assert.throws(
    () => loadAccount({ path: join(dir, 'bad') }),
    (e: Error & { code: string }) => e.code === 'ACCOUNT_INVALID_KEY' && !e.message.includes('not a key'),
  );
});
