import { AlephError } from '../../errors.js';
import type { ResolvedEdition } from '../../policy/index.js';
import { UPGRADE_APPROVAL_POST_TYPE } from '../constants.js';
import { buildAggregate } from '../messages/buildAggregate.js';
import { buildPost } from '../messages/buildPost.js';
import { readJson, request } from '../transport/request.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { publishMessage, type PublishMessageReturnType } from './publishMessage.js';

/**
 * A program's constructor as the node shows it: the `program.toml` annotation and the AVM code it compiled to.
 * @example
 * const ctor = Object.hasOwn(p, 'constructor') ? (p.constructor as ProgramConstructorView | null) : null;
 * if (ctor) console.log(ctor.annotation, '\n', ctor.avm);
 */
export interface ProgramConstructorView {
  /** The annotation as written, e.g. `@admin(address="0x…")`. */
  annotation: string;
  /** `noupgrade`, `admin`, `checksum`, `custom`, `multisig` or `timelock`. */
  kind: string;
  /** The AVM constructor code (`assert.eq edition 0u16;` …). */
  avm: string;
  params?: Record<string, unknown>;
}

/**
 * A time-locked (`@timelock`) upgrade: announced at one height, applied by the node at `effective_height`
 * unless the owner cancels it. `status` is `pending` until settled (`applied`, `refused`, `cancelled`).
 * @example
 * for (const u of program.pending ?? []) console.log(u.message_hash, 'takes effect at', u.effective_height);
 */
export interface PendingUpgrade {
  id?: number;
  message_hash: string;
  cause_kind: string;
  checksum: string;
  sender?: string;
  program_owner?: string;
  time?: number;
  announced_height: number;
  effective_height: number;
  status: 'pending' | 'applied' | 'refused' | 'cancelled' | string;
  settled_height?: number | null;
  settled_by?: string | null;
  [key: string]: unknown;
}

/**
 * `GET /api/v0/programs/{id}` (DESIGN §4): the version in force and its resolved references; governed
 * programs add checksum, upgrade policy, constructor and pending upgrades. Unknown fields are kept.
 * A plain program (no `program.toml`) has `governed: false`, `upgrade_policy: null`, `constructor: null`.
 * @example
 * const p: ProgramState = await getProgram(config, { id });
 * console.log(p.edition, p.checksum, p.upgrade_policy, p.current_hash);
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
  /** Whether the code carries a `program.toml` (its upgrades are then decided by its policy and constructor). */
  governed?: boolean;
  /** Checksum of the edition in force (64 hex characters). */
  checksum?: string;
  upgrade_policy?: 'compatible' | 'immutable' | null | string;
  /** The constructor. Read it with `Object.hasOwn`: every object inherits `constructor`. */
  constructor?: ProgramConstructorView | null;
  manifest?: { name: string | null; imports: string[]; interface: Record<string, unknown> } | null;
  /** `program_owner` the constructor saw for the edition in force (the sender of its causing message). */
  program_owner?: string;
  /** The edition in force: what caused it, when, and which references it resolved. */
  version?: {
    message_hash?: string;
    edition: number;
    checksum: string;
    cause_kind: string;
    cause_message?: string;
    sender?: string;
    time?: number;
    height?: number;
    references?: unknown;
  };
  /** The document the checksum hashes (swap in new code and hash it to predict a candidate's checksum). */
  resolved_edition?: ResolvedEdition;
  /** Time-locked upgrades not settled yet. */
  pending?: PendingUpgrade[];
  /** What the compute node last reported serving; null before any report. */
  serving?: ServingState | null;
  [key: string]: unknown;
}

/**
 * A compute node's signed report of what it serves of a program: when an accepted edition fails to
 * start, the previous one keeps serving and `failed_edition` / `reason` say why.
 * @example
 * const s = (await getProgram(config, { id })).serving;
 * if (s?.failed_edition != null) console.log(s.summary); // serving: edition 4; edition 5 failed to start: …
 */
export interface ServingState {
  edition: number | null;
  failed_edition: number | null;
  reason: string | null;
  reported_by: string;
  message_hash: string;
  time: number;
  height: number;
  summary: string;
}

/**
 * One edition in a program's history: who caused it, when, what changed and its checksum.
 * @example
 * const e: ProgramEdition = (await getProgramHistory(config, { id })).editions.at(-1)!;
 * console.log(e.edition, e.cause_kind, e.changes, e.checksum);
 */
export interface ProgramEdition {
  edition: number;
  checksum: string;
  message_hash?: string;
  /** `deployment`, `replacement`, `amend`, … */
  cause_kind?: string;
  sender?: string;
  program_owner?: string;
  time?: number;
  height?: number;
  /** What differs from the previous edition (`code`, `on.persistent`, …). */
  changes?: string[] | unknown;
  upgrade_policy?: string | null;
  [key: string]: unknown;
}

/**
 * An upgrade attempt the program refused, with the rule that refused it.
 * @example
 * for (const r of (await getProgramHistory(config, { id })).rejected) console.log(r.error_code, r.rule);
 */
export interface RefusedAttempt {
  message_hash?: string;
  cause_kind?: string;
  error_code: string;
  /** The rule, e.g. `upgrade policy: an immutable program accepts no upgrade`. */
  rule?: string;
  details?: Record<string, unknown>;
  checksum?: string | null;
  sender?: string;
  time?: number;
  height?: number;
  [key: string]: unknown;
}

/**
 * `GET /api/v0/programs/{id}/history`: every edition, every refused upgrade and every time-locked upgrade.
 * @example
 * const h: ProgramHistory = await getProgramHistory(config, { id });
 * for (const e of h.editions) console.log(e.edition, e.checksum);
 */
export interface ProgramHistory {
  program_id?: string;
  editions: ProgramEdition[];
  rejected: RefusedAttempt[];
  pending: PendingUpgrade[];
  /** Compute nodes' serving reports, oldest first (failed starts included). */
  serving_reports?: ServingState[];
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
  return { ...body, editions: body.editions ?? [], rejected: body.rejected ?? [], pending: body.pending ?? [] };
}

/**
 * A candidate upgrade for {@link dryRunProgram}: full PROGRAM content, or the hash of new code already
 * uploaded; `sender` is who would sign (default: the owner) and `time` what `block.timestamp` would be
 * (default: the content's time, else now).
 * @example
 * const candidate: DryRunCandidate = { code_hash: (await uploadFile(config, { file: bytes, store: false })).hash, sender: me };
 */
export type DryRunCandidate = ({ content: Record<string, unknown> } | { code_hash: string }) & { sender?: string; time?: number };

/**
 * The node's verdict on a candidate upgrade, changing nothing: accepted (with the edition it would get),
 * pending (time-locked until `effective_height`) or refused (`error_code` and `rule`).
 * @example
 * const v: DryRunResult = await dryRunProgram(config, { id, candidate: { code_hash } });
 * if (!v.accepted && !v.pending) console.error(v.error_code, v.rule);
 */
export interface DryRunResult {
  accepted: boolean;
  pending?: boolean;
  checksum: string;
  edition?: number;
  changes?: string[];
  error_code?: string;
  rule?: string;
  details?: Record<string, unknown>;
  effective_height?: number;
  current_edition?: number;
  current_checksum?: string;
  [key: string]: unknown;
}

/**
 * One program's verdict on a published message (`program_verdicts` on `POST /api/v0/messages`, on
 * `POST /api/v0/storage/add_file` with a STORE and on `GET /api/v0/messages/{hash}`). A STORE amend can be
 * accepted while a program using it refuses to adopt it: this, not the message status, says which.
 * @example
 * const v: ProgramVerdict | undefined = (await updateProgramCode(config, { hash: id, path: './v2' })).program_verdicts.find((x) => x.program_id === id);
 * if (v?.verdict === 'refused') console.error(`Refused [${v.error_code}]: ${v.rule}`);
 */
export interface ProgramVerdict {
  program_id: string;
  verdict: 'accepted' | 'pending' | 'refused' | 'applied' | 'cancelled';
  /** The new edition (accepted). */
  edition?: number;
  checksum?: string | null;
  height?: number;
  changes?: string[];
  error_code?: string;
  rule?: string;
  details?: Record<string, unknown>;
  announced_height?: number;
  effective_height?: number;
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
 * The node's current block height (`block.height` in constructors): block intervals elapsed since the
 * network's genesis (one a second by default), not a count of messages.
 * @example
 * const height = await getHeight(config);
 */
export async function getHeight(config: ClientConfig): Promise<number> {
  const body = await readJson<{ height: number }>(await request(config.apiUrl, '/api/v0/height'));
  return body.height;
}

/**
 * Parameters of {@link approveUpgrade}. An approval is single-use: it names the program, the candidate
 * checksum and the candidate edition, and counts for that edition only.
 * @example
 * const p: ApproveUpgradeParameters = { id, checksum, edition: 3, mapping: `${dao}/approved_checksum` };
 */
export interface ApproveUpgradeParameters {
  id: string;
  /** 64 hex characters, from `aleph program checksum` or a dry run. */
  checksum: string;
  /** The edition the upgrade would become; default: the program's current edition + 1. */
  edition?: number;
  /** For `@checksum`: `"<address>/<aggregate key>"`, written as an AGGREGATE instead of a `@multisig` POST. */
  mapping?: string;
  /** The subkey inside the mapping; default `true` (the Leo vote pattern). */
  key?: string;
}

/**
 * What {@link approveUpgrade} returns: the approval (`{program_id, checksum, edition}`) and its message.
 * @example
 * const { edition, published }: ApproveUpgradeReturnType = await approveUpgrade(config, { id, checksum });
 */
export interface ApproveUpgradeReturnType {
  approval: { program_id: string; checksum: string; edition: number };
  edition: number;
  published: PublishMessageReturnType;
}

/**
 * Approves one upgrade of a program (`aleph program approve`): a signed POST `program-upgrade-approval`
 * counted by `@multisig`, or with `mapping` the `{program_id, checksum, edition}` entry of the AGGREGATE
 * an `@checksum` constructor reads.
 * @example
 * await approveUpgrade(config, { id, checksum });                       // @multisig, next edition
 * await approveUpgrade(config, { id, checksum, mapping: `${dao.address}/approved_checksum` });
 */
export async function approveUpgrade(config: ClientConfig, p: ApproveUpgradeParameters): Promise<ApproveUpgradeReturnType> {
  if (!/^[0-9a-f]{64}$/.test(p.checksum)) throw new AlephError('OPTION_INVALID_CHECKSUM', 'a checksum is 64 lowercase hex characters', { hint: 'get it with `aleph program checksum ID PATH`' });
  if (p.edition !== undefined && (!Number.isSafeInteger(p.edition) || p.edition < 1 || p.edition > 0xffff)) {
    throw new AlephError('OPTION_INVALID_EDITION', 'the edition must be a positive integer: the edition the upgrade would become', { hint: 'omit it to approve the next edition (`aleph program show ID` gives the current one)' });
  }
  const sender = requireAccount(config).address;
  const edition = p.edition ?? (await getProgram(config, { id: p.id })).edition + 1;
  const approval = { program_id: p.id, checksum: p.checksum, edition };
  let message;
  if (p.mapping !== undefined) {
    const slash = p.mapping.indexOf('/');
    if (slash <= 0) throw new AlephError('OPTION_INVALID_MAPPING', 'the mapping must be "<address>/<aggregate key>"');
    message = buildAggregate({ sender, address: p.mapping.slice(0, slash), key: p.mapping.slice(slash + 1), content: { [p.key ?? 'true']: approval } });
  } else {
    message = buildPost({ sender, type: UPGRADE_APPROVAL_POST_TYPE, ref: p.id, content: approval });
  }
  return { approval, edition, published: await publishMessage(config, { message }) };
}
