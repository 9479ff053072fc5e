import { itemHashOf } from '../../protocol/index.js';
import { DEFAULT_CHANNEL } from '../constants.js';
import { nowSeconds, type BaseBuildParameters, type UnsignedMessage } from './types.js';

/**
 * Parameters of {@link buildStore}: give the file bytes, or its sha256 `itemHash` (and `size`).
 * @example
 * buildStore({ sender, itemHash: sha256hex, size: 1024 });
 */
export interface BuildStoreParameters extends BaseBuildParameters {
  file?: Uint8Array | undefined;
  itemHash?: string | undefined;
  size?: number | undefined;
  /** item_hash of an earlier STORE this one amends (only its owner may). */
  ref?: string | undefined;
}

/**
 * STORE content, keys in @aleph-sdk/client's order (`size` and `ref` last).
 * @example
 * const content: StoreMessageContent = buildStore({ sender, file: bytes }).content;
 */
export interface StoreMessageContent {
  address: string;
  item_type: 'storage';
  item_hash: string;
  time: number;
  size?: number;
  ref?: string;
}

/**
 * Builds an unsigned STORE for a file kept by the node's storage (`item_type: storage`, `item_hash` =
 * sha256 of the bytes). With `ref`, it amends that earlier STORE: programs using it with
 * `use_latest: true` move to the new file once their policy accepts it.
 * @example
 * const bytes = readFileSync('code.zip');
 * const msg = buildStore({ sender: account.address, file: bytes });
 * // after publishing `msg` (its item_hash is `codeStoreHash`), amend the file:
 * const amend = buildStore({ sender: account.address, file: newBytes, ref: codeStoreHash });
 */
export function buildStore(params: BuildStoreParameters): UnsignedMessage<StoreMessageContent> {
  const itemHash = params.itemHash ?? (params.file ? itemHashOf(params.file) : undefined);
  if (!itemHash) throw new TypeError('buildStore needs `file` or `itemHash`');
  const size = params.size ?? params.file?.length;
  const time = params.time ?? nowSeconds();
  const content: StoreMessageContent = {
    address: params.address ?? params.sender,
    item_type: 'storage',
    item_hash: itemHash,
    time,
  };
  if (size !== undefined) content.size = size;
  if (params.ref) content.ref = params.ref;
  return {
    chain: 'ETH',
    sender: params.sender,
    type: 'STORE',
    channel: params.channel ?? DEFAULT_CHANNEL,
    time,
    content,
  };
}
