import { AlephError } from '../../errors.js';
import type { ContentOfType, MessageType, ValidMessage } from '../../protocol/index.js';

/**
 * The content of `msg` with the type its schema gave it: parseMessage parsed it with `type`'s content schema, so
 * the envelope's type is the proof. Asking for another type is a bug of the node (INTERNAL_ERROR), never a cast.
 *
 * @example
 * const program = contentOf(ctx.msg, 'PROGRAM'); // ProgramContent & { address; time }
 */
export function contentOf<T extends MessageType>(
  msg: ValidMessage,
  type: T,
): ContentOfType[T] & { address: string; time: number } {
  if (msg.envelope.type !== type)
    throw new AlephError('INTERNAL_ERROR', `a ${msg.envelope.type} message read as ${type}`, {});
  return msg.content as unknown as ContentOfType[T] & { address: string; time: number };
}
