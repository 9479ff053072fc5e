import { AlephError } from '../../errors.js';
import type { MessageEnvelope } from '../messages/messageTypes.js';
import { sameAddress } from './address.js';
import { recoverPersonalSigner } from './recoverSigner.js';
import { verificationBuffer } from './verificationBuffer.js';

/** Throws MESSAGE_INVALID_SIGNATURE unless the envelope's signature recovers to its sender. */
export function verifySignature(
  m: Pick<MessageEnvelope, 'chain' | 'sender' | 'type' | 'item_hash' | 'signature'>,
): void {
  const recovered = recoverPersonalSigner(verificationBuffer(m), m.signature);
  if (!sameAddress(recovered, m.sender)) {
    throw new AlephError('MESSAGE_INVALID_SIGNATURE', 'signature was not made by the sender', {
      hint: 'sign "{chain}\\n{sender}\\n{type}\\n{item_hash}" with the sender key (EIP-191)',
      details: { sender: m.sender, recovered },
    });
  }
}
