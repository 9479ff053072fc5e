import { DEFAULT_CHANNEL } from '../constants.js';
import { nowSeconds, type BaseBuildParameters, type UnsignedMessage } from './types.js';

/**
 * Parameters of {@link buildPost}.
 * @example
 * buildPost({ sender, type: 'chat', content: { body: 'hi' }, channel: 'TEST' });
 */
export interface BuildPostParameters extends BaseBuildParameters {
  /** The post type; `amend` with `ref` replaces the content of the post `ref`. */
  type: string;
  content: unknown;
  ref?: string;
}

/**
 * POST content, keys in @aleph-sdk/client's order.
 * @example
 * const content: PostMessageContent = buildPost({ sender, type: 'chat', content: {} }).content;
 */
export interface PostMessageContent {
  type: string;
  address: string;
  content: unknown;
  time: number;
  ref?: string;
}

/**
 * Builds an unsigned POST (content `{type, address, content, time, ref?}`, as @aleph-sdk/client does).
 * @example
 * const msg = buildPost({ sender: account.address, type: 'chat', content: { body: 'hello' } });
 * const amend = buildPost({ sender: account.address, type: 'amend', ref: original, content: { body: 'fixed' } });
 */
export function buildPost(params: BuildPostParameters): UnsignedMessage<PostMessageContent> {
  const time = params.time ?? nowSeconds();
  const content: PostMessageContent = {
    type: params.type,
    address: params.address ?? params.sender,
    content: params.content,
    time,
  };
  if (params.ref) content.ref = params.ref;
  return {
    chain: 'ETH',
    sender: params.sender,
    type: 'POST',
    channel: params.channel ?? DEFAULT_CHANNEL,
    time,
    content,
  };
}
