import { createHash } from 'node:crypto';

/** sha256 hex of the exact UTF-8 string: never re-serialize content before hashing (DESIGN §2). */
export function itemHashOf(itemContent: string | Uint8Array): string {
  return createHash('sha256').update(itemContent).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** True for a lowercase 64-hex sha256 item hash. */
export function isItemHash(putative: unknown): putative is string {
  return typeof putative === 'string' && HEX64.test(putative);
}
