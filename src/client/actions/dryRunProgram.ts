import { dryRunResultSchema, type DryRunRequest, type DryRunResult } from '../../protocol/api/index.js';
import { readAnswer, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

export type { DryRunResult } from '../../protocol/api/index.js';

/**
 * A candidate upgrade for {@link dryRunProgram}: full PROGRAM content, or the hash of new code already
 * uploaded; `sender` is who would sign (default: the owner) and `time` what the content's time would be.
 * @example
 * const candidate: DryRunCandidate = { code_hash: (await uploadFile(config, { file: bytes, store: false })).hash, sender: me };
 */
export type DryRunCandidate = DryRunRequest;

/**
 * Asks the node what it would decide for a candidate upgrade (`POST /api/v0/programs/{id}/dry-run`) and the
 * candidate's checksum — what a DAO approves before anyone signs the upgrade. A refusal is an answer
 * (`verdict: 'refused'`, with `error_code` and `rule`); a malformed candidate throws a request error
 * (`DRY_RUN_INVALID` naming the field), never a refusal.
 * @example
 * const v = await dryRunProgram(config, { id, candidate: { code_hash: hash } });
 * if (v.verdict === 'refused') console.error(v.error_code, v.rule);
 */
export async function dryRunProgram(
  config: ClientConfig,
  params: { id: string; candidate: DryRunCandidate },
): Promise<DryRunResult> {
  const res = await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(params.id)}/dry-run`, {
    method: 'POST',
    body: JSON.stringify(params.candidate),
    headers: { 'content-type': 'application/json' },
  });
  return readAnswer(res, dryRunResultSchema);
}
