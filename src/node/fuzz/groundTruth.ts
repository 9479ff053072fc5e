import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';

const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
};

/**
 * Whether an accepted body is a message its sender really signed, for its own address — decided here, apart
 * from the node's code (only libsecp256k1 is shared), so a bug in the node's checks shows up as a forgery.
 * Inline: item_hash is sha256 of item_content; the EIP-191 signature over "chain\nsender\ntype\nitem_hash"
 * recovers to sender; content.address (if any) is the sender. The fuzz run sets up no delegations.
 */
export function isGenuine(body: string | Buffer): boolean {
  try {
    const m = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')).message;
    for (const f of ['chain', 'sender', 'type', 'item_hash', 'signature', 'item_type'])
      if (typeof m[f] !== 'string') return false;
    if (m.chain !== 'ETH') return false;
    if (m.item_type === 'inline') {
      if (typeof m.item_content !== 'string') return false;
      if (createHash('sha256').update(m.item_content, 'utf8').digest('hex') !== m.item_hash) return false;
      const content = JSON.parse(m.item_content);
      if (content.address !== undefined && String(content.address).toLowerCase() !== m.sender.toLowerCase())
        return false;
    }
    const hex = m.signature.replace(/^0x/, '');
    if (!/^[0-9a-fA-F]{130}$/.test(hex)) return false;
    const sig = Buffer.from(hex, 'hex');
    const v = sig[64];
    const recid = v >= 27 ? v - 27 : v;
    if (recid !== 0 && recid !== 1) return false;
    const text = Buffer.from(`${m.chain}\n${m.sender}\n${m.type}\n${m.item_hash}`, 'utf8');
    const digest = keccak_256(Buffer.concat([Buffer.from(`\x19Ethereum Signed Message:\n${text.length}`), text]));
    const pub = secp.ecdsaRecover(sig.subarray(0, 64), recid, digest, false);
    const address = '0x' + Buffer.from(keccak_256(pub.subarray(1)).subarray(12)).toString('hex');
    return address === m.sender.toLowerCase();
  } catch {
    return false;
  }
}
