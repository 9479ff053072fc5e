import {
  computeChecksum,
  evaluateUpgrade,
  type CandidateEdition,
  type EditionState,
  type Manifest,
  type UpgradeCause,
  type Verdict,
} from '../../policy/index.js';
import type { ProgramContent } from '../../protocol/index.js';
import type { NodeEvent } from '../apply/applyContext.js';
import type { FileStore } from '../files/fileStore.js';
import type { BlockStamp } from '../pipeline/blockClock.js';
import type { Db } from '../store/queries.js';
import type { ProgramRefsTable, ProgramsTable } from '../store/tables.js';
import { loadPolicyContext } from './chainState.js';
import { editionInForce, nextEditionNumber, type EditionRecord } from './editionRecords.js';
import { readCodeManifest, type CodeManifest } from './readManifest.js';
import { editionRefs, programContentOf, type EditionRefs } from './resolvedEdition.js';

/** Where governance runs: inside the ordered writer's transaction (or a dry-run one that is rolled back). */
export interface GovernanceScope {
  db: Db;
  files: FileStore;
  /** Processing order of the message being processed (programs.updated_height). */
  height: number;
  /** `block.height` and `block.timestamp` in constructors: the writer's, never the sender's. */
  block: BlockStamp;
  events: NodeEvent[];
}

/** The message an attempt comes from, as the history shows it; `time` is replaced by the writer's when judged. */
export interface CauseMessage {
  hash: string;
  sender: string;
  time: number;
}

/** What a time-locked upgrade keeps so it can be rebuilt at its effective height (program_pending.candidate). */
export type PendingCandidate =
  | { kind: 'replace' }
  | { kind: 'amend'; original: string; version: string; file_hash: string };

/** One upgrade event (DESIGN §3) of one program, ready to judge. */
export interface UpgradeAttempt {
  program: ProgramsTable;
  cause: UpgradeCause;
  causeKind: 'replace' | 'persist' | 'amend';
  message: CauseMessage;
  senderAuthorized: boolean;
  /** `content.address` of the causing message: the candidate's program_owner. */
  owner: string;
  /** The content the candidate runs, and the message hash that holds it (the version in force after). */
  content: ProgramContent;
  contentHash: string;
  refs: ProgramRefsTable[];
  pending: PendingCandidate;
  /** Set when a time-locked upgrade is re-judged at its effective height. */
  announcedHeight?: number;
}

/** The engine's verdict with everything needed to apply, announce or record it. */
export interface UpgradeDecision {
  attempt: UpgradeAttempt;
  current: EditionRecord;
  /** The number an accepted candidate gets (above `current.edition` after an aborted rollout). */
  nextEdition: number;
  verdict: Verdict;
  /** The candidate's checksum, also for refusals (a DAO or signer can still see what was tried). */
  checksum: string;
  candidate: EditionRefs & CodeManifest;
}

/**
 * Reads the candidate's manifest. When the code file did not change the edition in force already
 * knows it, which spares unzipping on every volume or runtime amend.
 */
async function candidateCode(scope: GovernanceScope, current: EditionRecord, next: EditionRefs): Promise<CodeManifest> {
  const a = current.resolved.code;
  const b = next.resolved.code;
  if (a.file_hash === b.file_hash && a.encoding === b.encoding)
    return { manifest: current.manifest, sourceHashes: current.sourceHashes };
  return readCodeManifest(scope.files, b.file_hash, b.encoding);
}

/**
 * Judges one upgrade event with the policy engine (DESIGN §4, first failure wins), against the
 * edition in force and chain state read from the store. Changes nothing.
 *
 * @example
 * const d = await judgeUpgrade(scope, attempt);
 * if (d.verdict.accepted) await applyUpgrade(scope, d);
 */
export async function judgeUpgrade(scope: GovernanceScope, putative: UpgradeAttempt): Promise<UpgradeDecision> {
  // The history records when the writer judged the attempt, not what its sender signed.
  const attempt: UpgradeAttempt = { ...putative, message: { ...putative.message, time: scope.block.time } };
  const { program } = attempt;
  const current = await editionInForce(scope.db, scope.files, program);
  const next = editionRefs(attempt.content, attempt.refs);
  const code = await candidateCode(scope, current, next);
  const parsed: Manifest | null = typeof code.manifest === 'string' ? null : code.manifest;
  const nextEdition = await nextEditionNumber(scope.db, { id: program.id, edition: current.edition });
  const ctx = await loadPolicyContext(scope.db, program.id, [current.manifest, parsed], {
    ...scope.block,
    edition: nextEdition,
  });
  const inForce = await scope.db
    .selectFrom('messages')
    .select('content')
    .where('item_hash', '=', program.current_hash)
    .executeTakeFirst();
  const state: EditionState = {
    programId: program.id,
    edition: current.edition,
    owner: current.programOwner,
    checksum: current.checksum,
    manifest: current.manifest,
    allow_amend: inForce?.content ? programContentOf(inForce.content).allow_amend : false,
    forgotten: program.status !== 'live',
    resolved: current.resolved,
    references: current.references,
    sourceHashes: current.sourceHashes,
  };
  const candidate: CandidateEdition = {
    manifest: code.manifest,
    resolved: next.resolved,
    references: next.references,
    owner: attempt.owner,
    sourceHashes: code.sourceHashes,
  };
  const verdict = evaluateUpgrade({
    senderAuthorized: attempt.senderAuthorized,
    cause: attempt.cause,
    current: state,
    candidate,
    ctx,
    nextEdition,
    ...(attempt.announcedHeight === undefined ? {} : { announcedHeight: attempt.announcedHeight }),
  });
  return {
    attempt,
    current,
    nextEdition,
    verdict,
    checksum: computeChecksum(next.resolved),
    candidate: { ...next, ...code },
  };
}
