import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { AlephError } from '../../errors.js';
import { DEFAULT_KEY_FILE_RELATIVE } from '../constants.js';
import { accountFromPrivateKey, normalizePrivateKey, type LocalAlephAccount } from './account.js';

/**
 * `$HOME/.aleph-im/private-keys/ethereum.key`, where aleph-client keeps its key. `$HOME` wins over the
 * passwd entry so tests and CI can point it elsewhere.
 * @example
 * defaultKeyFilePath(); // '/home/me/.aleph-im/private-keys/ethereum.key'
 */
export function defaultKeyFilePath(home: string = process.env.HOME || homedir()): string {
  return join(home, DEFAULT_KEY_FILE_RELATIVE);
}

/**
 * Parameters of {@link createAccount}.
 * @example
 * createAccount({ path: '/tmp/me.key', replace: true });
 */
export interface CreateAccountParameters {
  /** Key file to write; defaults to {@link defaultKeyFilePath}. */
  path?: string | undefined;
  /** Overwrite an existing key file (the old key is lost). */
  replace?: boolean | undefined;
  /** Import this key instead of generating one. */
  privateKey?: string | undefined;
}

/**
 * Generates (or imports) a key and writes it to a key file readable by its owner only.
 * The file holds the 32 raw key bytes, the format aleph-client (`aleph account create`) writes and reads,
 * so both tools share one key; {@link loadAccount} also reads hex files.
 * @example
 * const { account, path } = createAccount({ path: '/tmp/me.key' });
 * console.log(account.address, path);
 */
export function createAccount(params: CreateAccountParameters = {}): { account: LocalAlephAccount; path: string } {
  const path = resolve(params.path ?? defaultKeyFilePath());
  if (existsSync(path) && !params.replace) {
    throw new AlephError('ACCOUNT_KEY_EXISTS', `a key file already exists at ${path}`, {
      hint: 'use --replace to overwrite it (the old key is lost), or --private-key-file to write elsewhere',
      details: { path },
    });
  }
  const key = params.privateKey ? normalizePrivateKey(params.privateKey) : generatePrivateKey();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, Buffer.from(key.slice(2), 'hex'), { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync keeps the mode of an existing file
  return { account: accountFromPrivateKey(key), path };
}

/**
 * Parameters of {@link loadAccount}: a key string wins over a key file.
 * @example
 * loadAccount({ path: '/tmp/me.key' });
 */
export interface LoadAccountParameters {
  privateKey?: string | undefined;
  path?: string | undefined;
}

/**
 * Loads the signing account from `privateKey` or from a key file (default {@link defaultKeyFilePath}).
 * Key files may hold 32 raw bytes (aleph-client) or a hex string.
 * @example
 * const account = loadAccount();                          // ~/.aleph-im/private-keys/ethereum.key
 * const other = loadAccount({ privateKey: process.env.KEY });
 */
export function loadAccount(params: LoadAccountParameters = {}): LocalAlephAccount {
  if (params.privateKey) return accountFromPrivateKey(params.privateKey);
  const path = resolve(params.path ?? defaultKeyFilePath());
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new AlephError('ACCOUNT_KEY_MISSING', `no private key file at ${path}`, {
      hint: 'create one with `aleph account create`, or pass --private-key / --private-key-file',
      details: { path },
      cause,
    });
  }
  try {
    return accountFromPrivateKey(bytes);
  } catch (cause) {
    throw new AlephError('ACCOUNT_INVALID_KEY', `the key file ${path} does not hold a private key`, {
      hint: 'a key file holds 32 raw bytes or 64 hex characters',
      details: { path },
      cause,
    });
  }
}
