import { keccak256 } from './keccak.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { AlephError } from '../../errors.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** True for any 0x-prefixed 20-byte hex address, whatever its case. */
export function isAddress(putative: unknown): putative is string {
  return typeof putative === 'string' && ADDRESS.test(putative);
}

const cache = new Map<string, string>();

/** EIP-55 mixed-case checksum form; addresses are stored this way so comparisons are exact. */
export function toChecksumAddress(address: string): string {
  if (!isAddress(address)) {
    throw new AlephError('ADDRESS_INVALID', `not an Ethereum address: ${JSON.stringify(address)}`, {
      hint: 'an address is 0x followed by 40 hex characters',
    });
  }
  const lower = address.slice(2).toLowerCase();
  const hit = cache.get(lower);
  if (hit) return hit;
  const hash = bytesToHex(keccak256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  if (cache.size > 100_000) cache.clear();
  cache.set(lower, out);
  return out;
}

/** Case-insensitive address equality, as aleph compares senders. */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
