import { getMessages, ofType } from './getMessages.js';
import type { ClientConfig } from '../transport/clientConfig.js';

/**
 * Parameters of {@link getPosts}.
 * @example
 * await getPosts(config, { types: ['chat'], addresses: [me] });
 */
export interface GetPostsParameters {
  /** Post types (content.type), matched on this side. */
  types?: string[];
  addresses?: string[];
  refs?: string[];
  hashes?: string[];
  channels?: string[];
  pagination?: number;
  page?: number;
}

/**
 * A post in the shape of aleph's posts API.
 * @example
 * const [latest]: Post[] = await getPosts(config, { types: ['chat'] });
 */
export interface Post {
  item_hash: string;
  sender: string;
  address: string;
  type: string;
  ref?: string | null;
  content: unknown;
  time: number;
  channel?: string | null;
}

/**
 * Lists POST messages (newest first as the node orders them), flattened as aleph's posts API does.
 * Built on `messages.json?msgType=POST`, which every node serves.
 * @example
 * const approvals = await getPosts(config, { types: ['program-upgrade-approval'], refs: [programId] });
 */
export async function getPosts(config: ClientConfig, params: GetPostsParameters = {}): Promise<Post[]> {
  const { types, ...filters } = params;
  const { messages } = await getMessages(config, { ...filters, msgType: 'POST' });
  return ofType(messages, 'POST')
    .map((m) => ({
      item_hash: m.item_hash,
      sender: m.sender,
      address: m.content.address ?? m.sender,
      type: m.content.type,
      ref: m.content.ref ?? null,
      content: m.content.content,
      time: m.content.time,
      channel: m.channel ?? null,
    }))
    .filter((p) => !types?.length || types.includes(p.type));
}
