import { privateKeyToAccount } from 'viem/accounts';
import { AlephError } from '../../errors.js';

/**
 * What the SDK needs from a signer: an address and EIP-191 personal_sign. A viem `LocalAccount`
 * (or a wallet adapter) fits as-is.
 * @example
 * const account: AlephAccount = privateKeyToAccount(generatePrivateKey());
 */
export interface AlephAccount {
  /** EIP-55 checksummed Ethereum address. */
  readonly address: string;
  /** EIP-191 personal_sign of a UTF-8 string, as a 0x-prefixed 65-byte hex signature. */
  signMessage(args: { message: string }): Promise<string>;
}

/**
 * An account whose private key is known locally (what key files and `--private-key` give).
 * @example
 * const account: LocalAlephAccount = loadAccount();
 * console.log(account.address);
 */
export interface LocalAlephAccount extends AlephAccount {
  readonly privateKey: `0x${string}`;
}

/**
 * Normalizes a private key given as hex (with or without 0x, surrounding whitespace allowed) or 32 raw bytes.
 * Throws ACCOUNT_INVALID_KEY otherwise; the key itself never appears in the error.
 * @example
 * normalizePrivateKey('11'.repeat(32)); // '0x1111…'
 */
export function normalizePrivateKey(putativeKey: string | Uint8Array): `0x${string}` {
  if (putativeKey instanceof Uint8Array) {
    if (putativeKey.length === 32) return `0x${Buffer.from(putativeKey).toString('hex')}`;
    return normalizePrivateKey(Buffer.from(putativeKey).toString('utf8'));
  }
  const s = putativeKey.trim();
  const hex = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new AlephError('ACCOUNT_INVALID_KEY', 'the private key is not 32 bytes of hex', {
      hint: 'a private key is 64 hex characters, optionally prefixed with 0x',
    });
  }
  return `0x${hex.toLowerCase()}`;
}

/**
 * Makes an account from a private key (hex string or 32 raw bytes).
 * @example
 * const account = accountFromPrivateKey('0x' + '11'.repeat(32));
 * account.address; // '0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A'
 */
export function accountFromPrivateKey(privateKey: string | Uint8Array): LocalAlephAccount {
  const key = normalizePrivateKey(privateKey);
  const viemAccount = privateKeyToAccount(key);
  return {
    address: viemAccount.address,
    privateKey: key,
    signMessage: ({ message }) => viemAccount.signMessage({ message }),
  };
}
