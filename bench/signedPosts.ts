// Signed POSTs for the ingest benches, made with the native secp256k1 binding (signing 20,000 messages through
// viem would take longer than the run it feeds).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { itemHashOf, personalMessageHash, toChecksumAddress, verificationBuffer } from '../src/protocol/index.js';

const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
};

/** `n` POSTs by one fresh key, each as a `POST /api/v0/messages` body (`sync: true`) with its item hash. */
export function makeSignedPosts(n: number, extra: Record<string, string> = {}): Array<{ body: string; hash: string }> {
  const key = randomBytes(32);
  const pub = secp.publicKeyCreate(key, false);
  const sender = toChecksumAddress('0x' + Buffer.from(keccak_256(pub.subarray(1)).subarray(12)).toString('hex'));
  const out: Array<{ body: string; hash: string }> = [];
  for (let i = 0; i < n; i++) {
    const time = 1_700_000_000 + i / 1000;
    const itemContent = JSON.stringify({ type: 'bench', address: sender, content: { i, ...extra }, time });
    const m = {
      chain: 'ETH',
      sender,
      type: 'POST' as const,
      channel: 'BENCH',
      time,
      item_type: 'inline',
      item_content: itemContent,
      item_hash: itemHashOf(itemContent),
      signature: '',
    };
    const { signature, recid } = secp.ecdsaSign(personalMessageHash(verificationBuffer(m)), key);
    m.signature = '0x' + Buffer.from(signature).toString('hex') + (27 + recid).toString(16);
    out.push({ body: JSON.stringify({ message: m, sync: true }), hash: m.item_hash });
  }
  return out;
}
