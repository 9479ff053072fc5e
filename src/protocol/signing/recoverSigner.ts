import { createRequire } from 'node:module';
import { keccak256 } from './keccak.js';
import { secp256k1 as nobleSecp } from '@noble/curves/secp256k1.js';
import { AlephError } from '../../errors.js';
import { toChecksumAddress } from './address.js';

interface NativeSecp {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}

// Signature recovery is the ingest bottleneck: libsecp256k1 recovers ~20x faster than pure JS, so use
// the native binding (prebuilt, shipped in the npm package) and keep @noble/curves as the fallback.
function loadNative(): NativeSecp | null {
  if (process.env.ALEPH_SECP256K1 === 'noble') return null;
  try {
    const req = createRequire(import.meta.url);
    const mod = req('secp256k1/bindings') as NativeSecp;
    return typeof mod.ecdsaRecover === 'function' ? mod : null;
  } catch {
    return null;
  }
}
const native = loadNative();

/** The two implementations of public-key recovery; they must agree on every input (nodes decide alike). */
export type RecoveryBackend = 'libsecp256k1' | 'noble';
type RecoverPublicKey = (rs: Uint8Array, recid: number, digest: Uint8Array) => Uint8Array;

const backends: Record<RecoveryBackend, RecoverPublicKey | null> = {
  libsecp256k1: native ? (rs, recid, digest) => native.ecdsaRecover(rs, recid, digest, false) : null,
  noble: (rs, recid, digest) =>
    nobleSecp.Signature.fromBytes(rs, 'compact').addRecoveryBit(recid).recoverPublicKey(digest).toBytes(false),
};

/** Which implementation recovers signatures in this process ("libsecp256k1" or "noble"). */
export const recoveryBackend: RecoveryBackend = native ? 'libsecp256k1' : 'noble';

/** keccak256 of the EIP-191 personal_sign envelope of `text`. */
export function personalMessageHash(text: string): Uint8Array {
  const body = Buffer.from(text, 'utf8');
  const prefix = Buffer.from(`\x19Ethereum Signed Message:\n${body.length}`, 'utf8');
  return keccak256(Buffer.concat([prefix, body]));
}

function parseSignature(signature: string): { rs: Uint8Array; recid: number } {
  const hex = signature.startsWith('0x') ? signature.slice(2) : signature;
  if (!/^[0-9a-fA-F]{130}$/.test(hex)) {
    throw new AlephError('MESSAGE_INVALID_SIGNATURE', 'signature is not 65 hex-encoded bytes', {
      hint: 'an ETH signature is 0x followed by 130 hex characters (r, s, v)',
    });
  }
  const bytes = Buffer.from(hex, 'hex');
  const v = bytes[64];
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) {
    throw new AlephError('MESSAGE_INVALID_SIGNATURE', `signature recovery id ${v} is not 0, 1, 27 or 28`);
  }
  return { rs: bytes.subarray(0, 64), recid };
}

/**
 * Recovers the EIP-55 address that personal_signed `text`, with this process's backend unless one is named
 * (tests hold the two to the same answers). Throws MESSAGE_INVALID_SIGNATURE when the signature cannot be
 * recovered at all. A high-S signature recovers like its low-S twin: EIP-2 bounds s for transactions only.
 */
export function recoverPersonalSigner(
  text: string,
  signature: string,
  backend: RecoveryBackend = recoveryBackend,
): string {
  const recover = backends[backend];
  if (!recover) throw new Error(`the ${backend} signature backend is not loaded in this process`);
  const { rs, recid } = parseSignature(signature);
  const digest = personalMessageHash(text);
  let pub: Uint8Array;
  try {
    pub = recover(rs, recid, digest);
  } catch (cause) {
    throw new AlephError('MESSAGE_INVALID_SIGNATURE', 'signature does not recover to any public key', { cause });
  }
  const addr = keccak256(pub.subarray(1)).subarray(12);
  return toChecksumAddress('0x' + Buffer.from(addr).toString('hex'));
}
