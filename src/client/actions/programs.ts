import { readJson, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

/**
 * `GET /api/v0/programs/{id}` (DESIGN §4): the version in force and its resolved references; governed
 * programs add checksum, upgrade policy, constructor and pending upgrades. Unknown fields are kept.
 * @example
 * const p: ProgramState = await getProgram(config, { id });
 * console.log(p.edition, p.current_hash, p.resolved);
 */
export interface ProgramState {
  id: string;
  owner: string;
  status?: string;
  edition: number;
  /** item_hash of the PROGRAM message in force (the original or a replacement). */
  current_hash?: string;
  updated_height?: number;
  content?: Record<string, unknown> | null;
  resolved?: { kind: string; mount: string | null; ref: string; version?: string; file_hash: string; use_latest: boolean }[];
  checksum?: string;
  upgrade_policy?: string;
  /** The constructor (annotation and AVM code). Read it with `Object.hasOwn`: every object inherits `constructor`. */
  constructor?: unknown;
  pending?: Record<string, unknown>[];
  [key: string]: unknown;
}

/**
 * `GET /api/v0/programs/{id}/history`: every edition and every refused upgrade attempt.
 * @example
 * const h: ProgramHistory = await getProgramHistory(config, { id });
 * for (const e of h.editions) console.log(e.edition, e.checksum);
 */
export interface ProgramHistory {
  editions: { edition: number; checksum: string; message_hash?: string; sender?: string; time?: number; changes?: unknown; [k: string]: unknown }[];
  rejected: { message_hash?: string; error_code: string; details?: Record<string, unknown>; time?: number; [k: string]: unknown }[];
  [key: string]: unknown;
}

/**
 * Reads a program's current edition, owner, checksum, policy and constructor. NOT_FOUND if unknown.
 * @example
 * const program = await getProgram(config, { id: programId });
 */
export async function getProgram(config: ClientConfig, params: { id: string }): Promise<ProgramState> {
  return readJson<ProgramState>(await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(params.id)}`));
}

/**
 * Reads a program's editions and refused upgrades.
 * @example
 * const { editions, rejected } = await getProgramHistory(config, { id: programId });
 */
export async function getProgramHistory(config: ClientConfig, params: { id: string }): Promise<ProgramHistory> {
  const body = await readJson<ProgramHistory>(await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(params.id)}/history`));
  return { ...body, editions: body.editions ?? [], rejected: body.rejected ?? [] };
}

/**
 * A candidate upgrade for {@link dryRunProgram}: full PROGRAM content, or the hash of new code already uploaded.
 * @example
 * const candidate: DryRunCandidate = { code_hash: (await uploadFile(config, { file: bytes, store: false })).hash };
 */
export type DryRunCandidate = { content: Record<string, unknown> } | { code_hash: string };

/**
 * The node's verdict on a candidate upgrade, changing nothing.
 * @example
 * const v: DryRunResult = await dryRunProgram(config, { id, candidate: { code_hash } });
 */
export interface DryRunResult {
  accepted: boolean;
  checksum: string;
  edition?: number;
  error_code?: string;
  details?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Asks the node what it would decide for a candidate upgrade (`POST /api/v0/programs/{id}/dry-run`) and
 * the candidate's checksum — what a DAO approves before anyone signs the upgrade.
 * @example
 * const { accepted, checksum, error_code } = await dryRunProgram(config, { id, candidate: { code_hash: hash } });
 */
export async function dryRunProgram(config: ClientConfig, params: { id: string; candidate: DryRunCandidate }): Promise<DryRunResult> {
  const res = await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(params.id)}/dry-run`, {
    method: 'POST',
    body: JSON.stringify(params.candidate),
    headers: { 'content-type': 'application/json' },
  });
  return readJson<DryRunResult>(res);
}

/**
 * The node's processed-message height (`block.height` in constructors).
 * @example
 * const height = await getHeight(config);
 */
export async function getHeight(config: ClientConfig): Promise<number> {
  const body = await readJson<{ height: number }>(await request(config.apiUrl, '/api/v0/height'));
  return body.height;
}
