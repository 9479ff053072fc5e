import { DEFAULT_CHANNEL } from '../constants.js';
import { nowSeconds, type BaseBuildParameters, type UnsignedMessage } from './types.js';

/**
 * Parameters of {@link buildAggregate}.
 * @example
 * buildAggregate({ sender, key: 'profile', content: { nick: 'me' } });
 */
export interface BuildAggregateParameters extends BaseBuildParameters {
  key: string;
  /** Merged into the aggregate `key` of `address` (top-level keys overwrite). */
  content: Record<string, unknown>;
}

/**
 * AGGREGATE content, keys in @aleph-sdk/client's order.
 * @example
 * const content: AggregateMessageContent = buildAggregate({ sender, key: 'k', content: {} }).content;
 */
export interface AggregateMessageContent {
  address: string;
  key: string;
  time: number;
  content: Record<string, unknown>;
}

/**
 * Builds an unsigned AGGREGATE (content `{address, key, time, content}`, as @aleph-sdk/client does).
 * @example
 * // approve a checksum for a program governed by @checksum(mapping="<me>/approved_checksum", key="true")
 * const msg = buildAggregate({ sender: account.address, key: 'approved_checksum', content: { true: checksum } });
 */
export function buildAggregate(params: BuildAggregateParameters): UnsignedMessage<AggregateMessageContent> {
  const time = params.time ?? nowSeconds();
  const content: AggregateMessageContent = {
    address: params.address ?? params.sender,
    key: params.key,
    time,
    content: params.content,
  };
  return {
    chain: 'ETH',
    sender: params.sender,
    type: 'AGGREGATE',
    channel: params.channel ?? DEFAULT_CHANNEL,
    time,
    content,
  };
}
