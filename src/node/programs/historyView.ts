import type { ProgramHistory, ProgramVerdict } from '../../protocol/index.js';
import { listEditions, type EditionRecord } from '../governance/editionRecords.js';
import { storeStatements } from '../store/openStore.js';
import type { Db } from '../store/queries.js';
import { servingHistory } from './computeReports.js';
import { pendingView } from './governanceView.js';
import { rolloutsOf } from './rolloutView.js';

/** One edition as the history lists it (and `/editions/{n}` begins with). */
export function editionEntry(e: EditionRecord): ProgramHistory['editions'][number] {
  return {
    edition: e.edition,
    checksum: e.checksum,
    message_hash: e.messageHash,
    cause_kind: e.causeKind,
    sender: e.sender,
    program_owner: e.programOwner,
    time: e.time,
    height: e.height,
    changes: e.changes,
    upgrade_policy: e.manifest?.upgrade_policy ?? null,
  };
}

/**
 * `GET /api/v0/programs/{id}/history` (DESIGN §4): every edition (who, when, what changed, checksum),
 * every refused attempt with the rule that refused it, and every time-locked upgrade with its outcome.
 * Also answers for an id whose deployment was refused (no program, only refusals); null when unknown.
 */
export async function historyView(db: Db, programId: string): Promise<ProgramHistory | null> {
  const editions = await listEditions(db, programId);
  const refusals = await db
    .selectFrom('program_refusals')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('id')
    .execute();
  const pending = await db
    .selectFrom('program_pending')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('id')
    .execute();
  const approvals = await db
    .selectFrom('program_approvals')
    .select(['edition', 'checksum', 'address', 'message_hash', 'height'])
    .where('program_id', '=', programId)
    .orderBy('height')
    .execute();
  const exists = await db.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
  if (!exists && refusals.length === 0) return null;
  return {
    program_id: programId,
    editions: editions.map(editionEntry),
    rejected: refusals.map((r) => ({
      message_hash: r.message_hash,
      cause_kind: r.cause_kind,
      error_code: r.error_code,
      rule: r.rule,
      details: JSON.parse(r.details) as ProgramHistory['rejected'][number]['details'],
      checksum: r.checksum,
      sender: r.sender,
      time: r.time,
      height: r.height,
    })),
    pending: pending.map(pendingView),
    serving_reports: await servingHistory(db, programId),
    approvals,
    rollouts: await rolloutsOf(db, programId, Date.now() / 1000),
  };
}

/**
 * What a message did to programs: editions it caused, attempts refused, upgrades it announced. A STORE
 * amend is accepted on its own while each program using it decides (DESIGN §3), so its status alone
 * does not say whether a program adopted it. Shown on `GET /api/v0/messages/{hash}` and on publication.
 *
 * @example
 * await messageVerdicts(db, hash); // [{ program_id, verdict: 'refused', error_code: 'CONSTRUCTOR_FAILED', … }]
 */
export async function messageVerdicts(db: Db, hash: string): Promise<ProgramVerdict[]> {
  // Asked after every publication: prepared reads of committed state rather than three built queries (the
  // statements of the store itself; they run on its read-only connection).
  const reader = storeStatements(db).reader;
  const out: ProgramVerdict[] = [];
  for (const e of await reader.editionsOf(hash)) {
    out.push({
      program_id: e.program_id,
      verdict: 'accepted',
      edition: e.edition,
      checksum: e.checksum,
      height: e.height,
      changes: JSON.parse(e.changes),
    });
  }
  for (const p of await reader.pendingOf(hash)) {
    out.push({
      program_id: p.program_id,
      verdict: p.status === 'pending' ? 'pending' : p.status,
      checksum: p.checksum,
      announced_height: p.announced_height,
      effective_height: p.effective_height,
    });
  }
  for (const r of await reader.refusalsOf(hash)) {
    out.push({
      program_id: r.program_id,
      verdict: 'refused',
      error_code: r.error_code,
      rule: r.rule,
      details: JSON.parse(r.details),
      checksum: r.checksum,
      height: r.height,
    });
  }
  return out;
}
