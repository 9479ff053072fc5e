import { AlephError } from '../../errors.js';
import type { ApiMessage } from '../transport/clientConfig.js';
import { buildProgramReplacement } from './buildProgram.js';
import { nowSeconds, type UnsignedMessage } from './types.js';

/**
 * The unsigned amend of a message with new content, as aleph expects it for each type: a PROGRAM `replaces` the
 * original (its root), a STORE or POST `ref`s it (a POST amend always points at the original post), an AGGREGATE
 * is merged again. AMEND_UNSUPPORTED for FORGET and INSTANCE.
 *
 * @example
 * const original = await getMessage(config, { hash });
 * await publishMessage(config, { message: buildAmend(original, { ...original.content, text: 'fixed' }, me) });
 */
export function buildAmend(
  original: ApiMessage,
  edited: Record<string, unknown>,
  sender: string,
): UnsignedMessage<Record<string, unknown>> {
  const channel = original.channel ?? undefined;
  const fields = original.content as Record<string, unknown>;
  const root = (field: 'replaces' | 'ref') => {
    const v = fields[field];
    return typeof v === 'string' && v ? v : original.item_hash;
  };
  const time = nowSeconds();
  const base = { chain: 'ETH' as const, sender, type: original.type, channel: channel ?? 'ALEPH-CLOUDSOLUTIONS', time };
  switch (original.type) {
    case 'PROGRAM':
      return buildProgramReplacement({ sender, programId: root('replaces'), content: edited, channel });
    case 'STORE':
      return { ...base, content: { ...edited, address: (edited.address as string) ?? sender, time, ref: root('ref') } };
    case 'POST': {
      // An amend POST points at the original post, never at an earlier amend.
      const ref = original.content.type === 'amend' ? root('ref') : original.item_hash;
      return {
        ...base,
        content: { ...edited, address: (edited.address as string) ?? sender, type: 'amend', ref, time },
      };
    }
    case 'AGGREGATE':
      return { ...base, content: { ...edited, address: (edited.address as string) ?? sender, time } };
    default:
      throw new AlephError('AMEND_UNSUPPORTED', `${original.type} messages cannot be amended`, {
        hint: 'amend a PROGRAM, STORE, POST or AGGREGATE message',
      });
  }
}
