import { programViewSchema, type ProgramState } from '../../protocol/api/index.js';
import { readAnswer, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

export type { ProgramConstructorView, PendingUpgrade, ProgramState, ServingState } from '../../protocol/api/index.js';

/**
 * Reads a program's current edition, owner, checksum, policy and constructor (`GET /api/v0/programs/{id}`),
 * parsed with the contract. PROGRAM_NOT_FOUND if unknown; RESPONSE_INVALID naming the field if the answer does
 * not fit. The constructor is an own field: read it as `p.constructor` only after `Object.hasOwn(p, 'constructor')`.
 * @example
 * const program = await getProgram(config, { id: programId });
 * console.log(program.edition, program.checksum, program.upgrade_policy);
 */
export async function getProgram(config: ClientConfig, params: { id: string }): Promise<ProgramState> {
  return readAnswer(
    await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(params.id)}`),
    programViewSchema,
  );
}
