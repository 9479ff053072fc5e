import type { MessageEnvelope, MessageType } from '../../protocol/index.js';

/**
 * A message before signing: what every `buildX` returns. `content` keeps the key order it was built
 * with, because the item hash is taken over its exact JSON serialization.
 * @example
 * const unsigned: UnsignedMessage = buildPost({ sender: account.address, type: 'note', content: { text: 'hi' } });
 */
export interface UnsignedMessage<C extends object = Record<string, unknown>> {
  chain: 'ETH';
  sender: string;
  type: MessageType;
  channel: string;
  /** Float unix seconds, equal to `content.time`. */
  time: number;
  content: C & { address: string; time: number };
}

/**
 * A signed envelope ready for `POST /api/v0/messages` (the wire format of DESIGN §2).
 * @example
 * const signed: SignedMessage = await signMessage(account, buildPost({ sender: account.address, type: 'note', content: {} }));
 */
export type SignedMessage = MessageEnvelope & { channel: string };

/**
 * Fields every builder accepts.
 * @example
 * const base: BaseBuildParameters = { sender: account.address, channel: 'TEST' };
 */
export interface BaseBuildParameters {
  /** The signer's address (the envelope `sender`). */
  sender: string;
  /** Address the content acts for; defaults to `sender` (a different one needs a `security` aggregate). */
  address?: string | undefined;
  /** Defaults to DEFAULT_CHANNEL. */
  channel?: string | undefined;
  /** Float unix seconds; defaults to now. */
  time?: number | undefined;
}

/**
 * The current time in aleph's format: float unix seconds.
 * @example
 * nowSeconds(); // 1732212345.678
 */
export function nowSeconds(): number {
  return Date.now() / 1000;
}
