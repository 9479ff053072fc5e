import { CID } from 'multiformats/cid';

const HEX64 = /^[0-9a-f]{64}$/;
// CIDv0: base58btc of a sha256 multihash, always "Qm" + 44 characters; CIDv1 here in its base32 text form.
const CID_V0 = /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/;
const CID_V1_BASE32 = /^b[a-z2-7]{20,200}$/;

/** True for a lowercase 64-hex sha256 item hash (inline and storage messages, node file hashes). */
export function isSha256Hex(putative: unknown): putative is string {
  return typeof putative === 'string' && HEX64.test(putative);
}

/** True for an IPFS CID: v0 (`Qm…`, 46 base58 characters) or v1 in base32 (`b…`), decoded by multiformats. */
export function isCid(putative: unknown): putative is string {
  if (typeof putative !== 'string' || !(CID_V0.test(putative) || CID_V1_BASE32.test(putative))) return false;
  try {
    CID.parse(putative);
    return true;
  } catch {
    return false;
  }
}

/** The hash format an item of this type must have: ipfs items are CIDs, everything else sha256 hex. */
export function isHashOfItemType(itemType: string, putative: unknown): putative is string {
  return itemType === 'ipfs' ? isCid(putative) : isSha256Hex(putative);
}

/** Any hash a message can be named by: sha256 hex or a CID. */
export function isAnyItemHash(putative: unknown): putative is string {
  return isSha256Hex(putative) || isCid(putative);
}
