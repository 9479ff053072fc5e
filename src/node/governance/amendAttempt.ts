import type { ProgramContent } from '../../protocol/index.js';
import type { ProgramRefsTable, ProgramsTable } from '../store/tables.js';
import type { CauseMessage, UpgradeAttempt } from './judgeUpgrade.js';

/** A new version of a STORE chain: its original, the amending STORE and the file it holds. */
export interface AmendedFile {
  original: string;
  version: string;
  file_hash: string;
}

/**
 * The candidate a STORE amend makes of a program (DESIGN §3 event b): the content in force, with every
 * `use_latest` reference to the amended chain moved to the new version. References that pin a version
 * stay. With `force`, the code reference moves even when pinned — for dry runs of new code, so the
 * verdict (AMEND_NOT_REFERENCED) still comes with the checksum that code would have.
 *
 * @example
 * const attempt = amendAttempt({ program, content, refs, amend, message, owner: store.address });
 */
export function amendAttempt(p: {
  program: ProgramsTable;
  content: ProgramContent;
  refs: ProgramRefsTable[];
  amend: AmendedFile;
  message: CauseMessage;
  /** `content.address` of the amending STORE: the candidate's program_owner (so `@admin` sees who changed the file). */
  owner: string;
  force?: 'code';
}): UpgradeAttempt {
  const { amend } = p;
  const moves = (r: ProgramRefsTable) =>
    r.original === amend.original && (r.use_latest === 1 || (p.force === 'code' && r.kind === 'code'));
  return {
    program: p.program,
    cause: { kind: 'amend', ref: amend.original },
    causeKind: 'amend',
    message: p.message,
    // The amend's author may amend their own file; whether this program follows is its policy's call.
    senderAuthorized: true,
    owner: p.owner,
    content: p.content,
    contentHash: p.program.current_hash,
    refs: p.refs.map((r) => (moves(r) ? { ...r, version: amend.version, file_hash: amend.file_hash } : r)),
    pending: { kind: 'amend', ...amend },
  };
}
