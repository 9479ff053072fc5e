/** Message types of the aleph wire format (DESIGN §2). */
export const MESSAGE_TYPES = ['POST', 'AGGREGATE', 'STORE', 'PROGRAM', 'INSTANCE', 'FORGET'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const ITEM_TYPES = ['inline', 'storage', 'ipfs'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export type MessageStatus = 'processed' | 'pending' | 'rejected' | 'forgotten';

/** Inline content above this many characters must be stored as a file (aleph's limit). */
export const MAX_INLINE_CONTENT_CHARS = 200_000;

/** The signed envelope exactly as it travels on the wire. */
export interface MessageEnvelope {
  chain: string;
  sender: string;
  type: MessageType;
  channel?: string | null | undefined;
  time: number;
  item_type: ItemType;
  item_content?: string | null | undefined;
  item_hash: string;
  signature: string;
}

/** An envelope whose schema, hash and content have been checked; `content` is parsed from `item_content`. */
export interface ValidMessage<C = Record<string, unknown>> {
  envelope: MessageEnvelope;
  /** Parsed content; `address` is EIP-55 checksummed and defaults to the sender. */
  content: C & { address: string; time: number };
  /** EIP-55 checksummed sender. */
  sender: string;
  /** The exact item_content string (fetched from the file store for `storage` messages). */
  itemContent: string;
}
