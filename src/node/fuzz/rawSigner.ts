import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { itemHashOf, personalMessageHash, toChecksumAddress, verificationBuffer } from '../../protocol/index.js';

const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
};

export interface RawKey {
  key: Uint8Array;
  address: string;
}

export interface RawEnvelope {
  chain: string;
  sender: string;
  type: string;
  channel: string;
  time: number;
  item_type: string;
  item_content: string;
  item_hash: string;
  signature: string;
}

/** A key and its EIP-55 address, from 32 bytes (deterministic, so a seeded fuzz run is repeatable). */
export function rawKey(key: Uint8Array): RawKey {
  const pub = secp.publicKeyCreate(key, false);
  return {
    key,
    address: toChecksumAddress('0x' + Buffer.from(keccak_256(pub.subarray(1)).subarray(12)).toString('hex')),
  };
}

/**
 * Signs any `item_content` text as given, with no re-serialization: what a hostile client can send (content
 * nested thousands of levels, odd numbers, prototype keys) is signed exactly, so only the node's rules stop it.
 */
export function signRaw(
  k: RawKey,
  m: {
    type: string;
    item_content: string;
    channel?: string;
    time?: number;
    sender?: string;
    chain?: string;
    item_type?: string;
    item_hash?: string;
  },
): RawEnvelope {
  const env = {
    chain: m.chain ?? 'ETH',
    sender: m.sender ?? k.address,
    type: m.type,
    channel: m.channel ?? 'FUZZ',
    time: m.time ?? Date.now() / 1000,
    item_type: m.item_type ?? 'inline',
    item_content: m.item_content,
    item_hash: m.item_hash ?? itemHashOf(m.item_content),
    signature: '',
  };
  const { signature, recid } = secp.ecdsaSign(personalMessageHash(verificationBuffer(env as never)), k.key);
  env.signature = '0x' + Buffer.from(signature).toString('hex') + (27 + recid).toString(16);
  return env;
}
