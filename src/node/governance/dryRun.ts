import { AlephError, isAlephError } from '../../errors.js';
import { isPendingVerdict } from '../../policy/index.js';
import {
  dryRunRequestSchemaFor,
  itemHashOf,
  parseContent,
  parseRequestBody,
  toChecksumAddress,
  type DryRunResult,
  type MessageEnvelope,
  type ValidMessage,
} from '../../protocol/index.js';
import type { ApplyContext } from '../apply/applyContext.js';
import type { FileStore } from '../files/fileStore.js';
import type { BlockClock } from '../pipeline/blockClock.js';
import { storeStatements } from '../store/openStore.js';
import { getHeight, type Db } from '../store/queries.js';
import type { ProgramsTable } from '../store/tables.js';
import { amendAttempt } from './amendAttempt.js';
import { prefetchCodeFile, prefetchProgramCode } from './prefetchManifest.js';
import { settleDecision } from './applyDecision.js';
import { replaceGoverned } from './governProgram.js';
import { nextEditionNumber } from './editionRecords.js';
import { judgeUpgrade, type UpgradeDecision } from './judgeUpgrade.js';
import { ProgramRefusedError } from './refusals.js';
import { programContentOf } from './resolvedEdition.js';
import { assertWithinProgramLimits, DEFAULT_PROGRAM_LIMITS, type ProgramLimits } from '../pipeline/programLimits.js';
import { contentOf } from '../apply/contentOf.js';

const ROLLBACK = Symbol('dry-run rollback');

const HINT = 'send {"content": {…PROGRAM content…}} or {"code_hash": "<uploaded file hash>"}';

function invalid(message: string, field: string): AlephError {
  return new AlephError('DRY_RUN_INVALID', message, { hint: HINT, details: { field } });
}

interface Candidate {
  content?: Record<string, unknown> | undefined;
  code_hash?: string | undefined;
  code_file_hash?: string | undefined;
  sender?: string | undefined;
  time?: number | undefined;
}

/**
 * The dry-run body, parsed at the boundary: a malformed one is DRY_RUN_INVALID naming the field (a request
 * error, 422), never a refusal.
 *
 * @example
 * parseDryRunRequest({ code_hash: 'zz' }); // throws DRY_RUN_INVALID, details.field = 'code_hash'
 */
export function parseDryRunRequest(putative: unknown): Candidate {
  return parseRequestBody(dryRunRequestSchemaFor(putative), putative, 'DRY_RUN_INVALID', HINT);
}

// A candidate content that is not a PROGRAM content is the request's fault: it is refused as a request error
// naming `content.<field>`, so that a client never takes a malformed candidate for the program's refusal.
function candidateMessage(envelope: MessageEnvelope, itemContent: string): ValidMessage {
  try {
    return parseContent(envelope, itemContent);
  } catch (e) {
    if (!isAlephError(e)) throw e;
    const field = typeof e.details.field === 'string' ? `content.${e.details.field}` : 'content';
    throw new AlephError('DRY_RUN_INVALID', `the candidate content: ${e.message}`, {
      hint: e.hint || HINT,
      details: { field, content_error: e.code },
      cause: e,
    });
  }
}

// The policy engine's verdict in the contract's one shape (`verdict` says which; the booleans stay for old scripts).
function answer(d: UpgradeDecision): DryRunResult {
  const v = d.verdict;
  const base = {
    program_id: d.attempt.program.id,
    cause_kind: d.attempt.causeKind,
    checksum: d.checksum,
    current_edition: d.current.edition,
    current_checksum: d.current.checksum,
    resolved_edition: d.candidate.resolved,
  };
  if (v.accepted)
    return { ...base, verdict: 'accepted', accepted: true, pending: false, edition: v.edition, changes: v.changes };
  if (isPendingVerdict(v))
    return {
      ...base,
      verdict: 'pending',
      accepted: false,
      pending: true,
      edition: v.edition,
      changes: v.changes,
      rule: v.rule,
      announced_height: v.announcedHeight,
      effective_height: v.effectiveHeight,
    };
  return {
    ...base,
    verdict: 'refused',
    accepted: false,
    pending: false,
    edition: d.nextEdition,
    error_code: v.error_code,
    rule: v.rule,
    details: v.details,
  };
}

function refusedAnswer(program: ProgramsTable, nextEdition: number, e: ProgramRefusedError): DryRunResult {
  const r = e.refusal;
  return {
    program_id: program.id,
    cause_kind: r.causeKind,
    checksum: r.checksum,
    current_edition: program.edition,
    verdict: 'refused',
    accepted: false,
    pending: false,
    edition: nextEdition,
    error_code: r.errorCode,
    rule: r.rule,
    details: r.details,
  };
}

/**
 * Judges a candidate exactly as the writer would judge the message — same code path, at the writer's
 * current block (`block.height` and `block.timestamp`; the request's `time` only fills the content's) —
 * inside a transaction that is always rolled back, so nothing changes.
 *
 * @example
 * const verdict = await dryRunUpgrade({ db, files }, program, { code_hash });
 */
export async function dryRunUpgrade(
  node: { db: Db; files: FileStore; pipeline: { blocks: BlockClock }; programLimits?: ProgramLimits },
  program: ProgramsTable,
  putative: unknown,
): Promise<DryRunResult> {
  const b = parseDryRunRequest(putative);
  const sender = toChecksumAddress(b.sender ?? program.owner);
  // The candidate's manifest is read (bounded) before the transaction opens, so the judging inside it never
  // waits on a file: the store's connection is held only for the judging itself.
  if (b.content && typeof b.content === 'object')
    await prefetchProgramCode(node.db, node.files, (b.content as Record<string, unknown>).code);
  const putativeHash = typeof b.code_hash === 'string' ? b.code_hash : b.code_file_hash;
  if (typeof putativeHash === 'string' && /^[0-9a-f]{64}$/.test(putativeHash))
    await prefetchCodeFile(node.files, putativeHash);
  let result: DryRunResult | undefined;
  await node.db
    .transaction()
    .execute(async (trx) => {
      const height = (await getHeight(trx)) + 1;
      // The writer's block now, whatever `time` the request names: a dry run predicts the writer's verdict.
      const block = node.pipeline.blocks.current();
      const scope = {
        db: trx,
        stmts: storeStatements(node.db).writer.inTransaction(trx),
        files: node.files,
        height,
        block,
        events: [],
      };
      if (b.content !== undefined) {
        if (!b.content || typeof b.content !== 'object')
          throw invalid('content must be a PROGRAM content object', 'content');
        const raw = { ...(b.content as Record<string, unknown>) };
        raw.address ??= sender;
        raw.time ??= typeof b.time === 'number' ? b.time : Date.now() / 1000;
        raw.replaces ??= program.id;
        const itemContent = JSON.stringify(raw);
        const envelope: MessageEnvelope = {
          chain: 'ETH',
          sender,
          type: 'PROGRAM',
          time: raw.time as number,
          item_type: 'inline',
          item_content: itemContent,
          item_hash: itemHashOf(itemContent),
          signature: '',
        };
        const msg = candidateMessage(envelope, itemContent);
        assertWithinProgramLimits(msg, node.programLimits ?? DEFAULT_PROGRAM_LIMITS);
        const ctx: ApplyContext = { ...scope, msg };
        try {
          result = answer(await replaceGoverned(ctx, program, contentOf(msg, 'PROGRAM')));
        } catch (e) {
          if (!(e instanceof ProgramRefusedError)) throw e;
          result = refusedAnswer(program, await nextEditionNumber(trx, program), e);
        }
      } else {
        const codeHash = typeof b.code_hash === 'string' ? b.code_hash : b.code_file_hash;
        if (typeof codeHash !== 'string' || !/^[0-9a-f]{64}$/.test(codeHash))
          throw invalid('code_hash must be the sha256 of an uploaded file', 'code_hash');
        if (!(await node.files.has(codeHash)))
          throw new AlephError('FILE_NOT_FOUND', `no file ${codeHash} on this node`, {
            hint: 'upload it first (POST /api/v0/storage/add_file)',
            details: { code_hash: codeHash },
          });
        const inForce = await trx
          .selectFrom('messages')
          .select('content')
          .where('item_hash', '=', program.current_hash)
          .executeTakeFirstOrThrow();
        const refs = await trx.selectFrom('program_refs').selectAll().where('program_id', '=', program.id).execute();
        const code = refs.find((r) => r.kind === 'code');
        if (!code) throw invalid(`program ${program.id} has no code reference`, 'code_hash');
        const time = typeof b.time === 'number' ? b.time : Date.now() / 1000;
        const attempt = amendAttempt({
          program,
          content: programContentOf(inForce.content ?? '{}'),
          refs,
          amend: { original: code.original, version: codeHash, file_hash: codeHash },
          message: { hash: codeHash, sender, time },
          owner: sender,
          force: 'code',
        });
        const d = await judgeUpgrade(scope, attempt);
        await settleDecision(scope, d);
        result = answer(d);
      }
      throw ROLLBACK;
    })
    .catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
  return result!;
}
