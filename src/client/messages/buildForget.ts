import { DEFAULT_CHANNEL } from '../constants.js';
import { nowSeconds, type BaseBuildParameters, type UnsignedMessage } from './types.js';

/**
 * Parameters of {@link buildForget}.
 * @example
 * buildForget({ sender, hashes: [h1, h2], reason: 'cleanup' });
 */
export interface BuildForgetParameters extends BaseBuildParameters {
  hashes: string[];
  reason?: string | undefined;
}

/**
 * FORGET content, keys in @aleph-sdk/client's order.
 * @example
 * const content: ForgetMessageContent = buildForget({ sender, hashes: [h] }).content;
 */
export interface ForgetMessageContent {
  address: string;
  time: number;
  hashes: string[];
  reason?: string;
}

/**
 * Builds an unsigned FORGET of the given item hashes (content `{address, time, hashes, reason}`).
 * @example
 * const msg = buildForget({ sender: account.address, hashes: [programId], reason: 'User deletion' });
 */
export function buildForget(params: BuildForgetParameters): UnsignedMessage<ForgetMessageContent> {
  if (params.hashes.length === 0) throw new TypeError('buildForget needs at least one hash');
  const time = params.time ?? nowSeconds();
  const content: ForgetMessageContent = { address: params.address ?? params.sender, time, hashes: params.hashes };
  if (params.reason !== undefined) content.reason = params.reason;
  return {
    chain: 'ETH',
    sender: params.sender,
    type: 'FORGET',
    channel: params.channel ?? DEFAULT_CHANNEL,
    time,
    content,
  };
}
