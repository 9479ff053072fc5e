import type { MessageEnvelope } from '../messages/messageTypes.js';

/** The text an ETH sender signs with EIP-191 personal_sign: aleph's verification buffer. */
export function verificationBuffer(m: Pick<MessageEnvelope, 'chain' | 'sender' | 'type' | 'item_hash'>): string {
  return `${m.chain}\n${m.sender}\n${m.type}\n${m.item_hash}`;
}
