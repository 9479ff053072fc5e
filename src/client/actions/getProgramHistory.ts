import { programHistorySchema, type ProgramHistory } from '../../protocol/api/index.js';
import { readAnswer, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

export type { ProgramEdition, ProgramHistory, RefusedAttempt } from '../../protocol/api/index.js';

/**
 * Reads a program's editions, refused upgrades, time-locked upgrades and serving reports
 * (`GET /api/v0/programs/{id}/history`), parsed with the contract.
 * @example
 * const { editions, rejected } = await getProgramHistory(config, { id: programId });
 */
export async function getProgramHistory(config: ClientConfig, params: { id: string }): Promise<ProgramHistory> {
  return readAnswer(
    await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(params.id)}/history`),
    programHistorySchema,
  );
}
