import { AlephError } from '../../errors.js';
import type { ClientConfig, MessageOfType } from '../transport/clientConfig.js';
import { getAllMessages, ofType } from './getMessages.js';
import { getLiveMessage } from './getMessage.js';
import { getProgram } from './programs.js';
import { isAlephError } from '../../errors.js';

/**
 * A program as seen from its messages: its id (first PROGRAM) and the PROGRAM message in force.
 * @example
 * const { id, original, current }: CurrentProgram = await getCurrentProgram(config, { hash });
 */
export interface CurrentProgram {
  id: string;
  original: MessageOfType<'PROGRAM'>;
  current: MessageOfType<'PROGRAM'>;
}

/**
 * Finds the PROGRAM message in force for a program id or for the hash of any of its replacements:
 * as the node's `/api/v0/programs/{id}` reports it, or, on a node without that endpoint, the newest
 * PROGRAM by the owner that `replaces` the original (else the original).
 * @example
 * const { id, current } = await getCurrentProgram(config, { hash });
 * console.log(id, current.content.resources);
 */
export async function getCurrentProgram(config: ClientConfig, params: { hash: string }): Promise<CurrentProgram> {
  // The node knows which version is in force (a replacement refused by policy never is); ask it first.
  const state = await getProgram(config, { id: params.hash }).catch((e: unknown) => {
    if (isAlephError(e) && ['NOT_FOUND', 'PROGRAM_NOT_FOUND', 'HTTP_ERROR'].includes(e.code)) return undefined;
    throw e;
  });
  if (state?.id && state.current_hash && state.status !== 'forgotten') {
    const original = await getLiveMessage(config, { hash: state.id, type: 'PROGRAM' });
    const current =
      state.current_hash === state.id
        ? original
        : await getLiveMessage(config, { hash: state.current_hash, type: 'PROGRAM' });
    return { id: state.id, original, current };
  }
  const given = await getLiveMessage(config, { hash: params.hash, type: 'PROGRAM' });
  const replaces = given.content.replaces;
  const id = typeof replaces === 'string' && replaces ? replaces : given.item_hash;
  const original = id === given.item_hash ? given : await getLiveMessage(config, { hash: id, type: 'PROGRAM' });
  const owner = String(original.content.address ?? original.sender);
  const replacements = ofType(
    await getAllMessages(config, { msgType: 'PROGRAM', addresses: [owner] }),
    'PROGRAM',
  ).filter((m) => m.content.replaces === id);
  const current =
    replacements.sort((a, b) => Number(a.content.time ?? a.time) - Number(b.content.time ?? b.time)).at(-1) ?? original;
  return { id, original, current };
}

/**
 * Throws AMEND_NOT_ALLOWED (the node's rule, checked early for a clearer message) unless the program
 * in force has `allow_amend: true`.
 * @example
 * assertUpdatable(current, id);
 */
export function assertUpdatable(current: MessageOfType<'PROGRAM'>, id: string): void {
  if (current.content.allow_amend !== true) {
    throw new AlephError(
      'AMEND_NOT_ALLOWED',
      `program ${id} was created with allow_amend: false and cannot be replaced`,
      {
        hint: 'only programs created with --updatable can be replaced; its code can still change with `aleph program update` if it follows use_latest',
        details: { program: id },
      },
    );
  }
}
