import { AlephError, isAlephError } from '../../errors.js';
import { resolveProgramRefs } from '../apply/programRefs.js';
import type { BlockStamp } from '../pipeline/blockClock.js';
import type { WriterStatements } from '../store/hotStatements.js';
import type { ProgramPendingTable } from '../store/tables.js';
import { amendAttempt } from './amendAttempt.js';
import { settleDecision } from './applyDecision.js';
import { judgeUpgrade, type GovernanceScope, type PendingCandidate, type UpgradeAttempt } from './judgeUpgrade.js';
import { insertRefusal, refusalOfError } from './refusals.js';
import { programContentOf } from './resolvedEdition.js';

type PendingRow = Omit<ProgramPendingTable, 'id'> & { id: number };

/**
 * Rebuilds a time-locked candidate against the program as it is now: a replacement re-resolves its
 * references (use_latest may have moved), an amend moves the amended chain on top of the edition in force.
 */
async function rebuild(ctx: GovernanceScope, row: PendingRow): Promise<UpgradeAttempt> {
  const program = await ctx.db
    .selectFrom('programs')
    .selectAll()
    .where('id', '=', row.program_id)
    .executeTakeFirstOrThrow();
  const message = { hash: row.message_hash, sender: row.sender, time: ctx.block.time };
  const candidate = JSON.parse(row.candidate) as PendingCandidate;
  const common = { announcedHeight: row.announced_height };
  if (candidate.kind === 'amend') {
    const inForce = await ctx.db
      .selectFrom('messages')
      .select('content')
      .where('item_hash', '=', program.current_hash)
      .executeTakeFirstOrThrow();
    const refs = await ctx.db.selectFrom('program_refs').selectAll().where('program_id', '=', program.id).execute();
    const { kind: _k, ...amend } = candidate;
    return {
      ...amendAttempt({
        program,
        content: programContentOf(inForce.content ?? '{}'),
        refs,
        amend,
        message,
        owner: row.program_owner,
      }),
      ...common,
    };
  }
  const announced = await ctx.db
    .selectFrom('messages')
    .select('content')
    .where('item_hash', '=', row.message_hash)
    .executeTakeFirstOrThrow();
  const content = programContentOf(announced.content ?? '{}');
  return {
    program,
    cause: { kind: row.cause_kind === 'persist' ? 'persist' : 'replace', replaces: content.replaces ?? program.id },
    causeKind: row.cause_kind,
    message,
    // Authorized when announced; the owner's way to stop it now is to cancel it.
    senderAuthorized: true,
    owner: row.program_owner,
    content,
    contentHash: row.message_hash,
    refs: await resolveProgramRefs(ctx.db, program.id, content),
    pending: candidate,
    ...common,
  };
}

/** Where due upgrades are settled: the writer's transaction, between two messages (or with none). */
export type DueScope = Omit<GovernanceScope, 'block'> & { stmts: WriterStatements };

/**
 * Applies every time-locked upgrade whose effective height `height` has reached, inside the ordered
 * writer before the first message of a later block (or when the writer cuts a block with no message).
 * Each is judged again exactly at its effective block — `blockAt(effective_height)` — with chain state
 * as every message of earlier blocks left it, so every node (and every replay) decides the same
 * whenever its writer happens to run. Settled by time, not by a message: `settled_by` stays null.
 *
 * @example
 * await applyDueUpgrades(scope, block.height, (h) => blocks.startOf(h));
 */
export async function applyDueUpgrades(
  scope: DueScope,
  height: number,
  blockAt: (height: number) => BlockStamp,
): Promise<boolean> {
  if (!(await scope.stmts.anyDueUpgrade(height))) return false;
  const due = await scope.db
    .selectFrom('program_pending')
    .selectAll()
    .where('status', '=', 'pending')
    .where('effective_height', '<=', height)
    .orderBy('effective_height')
    .orderBy('id')
    .execute();
  for (const row of due) {
    const ctx: GovernanceScope = { ...scope, block: blockAt(row.effective_height) };
    let status: ProgramPendingTable['status'];
    // Its own savepoint: one upgrade that cannot be rebuilt is refused alone, never half-applied, and
    // never blocks the writer (it would fail again before every later message).
    await scope.stmts.savepoint();
    try {
      const outcome = await settleDecision(ctx, await judgeUpgrade(ctx, await rebuild(ctx, row)));
      await scope.stmts.release();
      status = outcome === 'accepted' ? 'applied' : 'refused';
    } catch (caught) {
      await scope.stmts.rollback();
      const e = isAlephError(caught)
        ? caught
        : new AlephError(
            'PENDING_UPGRADE_FAILED',
            `the time-locked upgrade could not be applied: ${(caught as Error).message}`,
            { details: { message_hash: row.message_hash } },
          );
      const message = { hash: row.message_hash, sender: row.sender, time: ctx.block.time };
      await insertRefusal(
        ctx.db,
        refusalOfError(e, {
          programId: row.program_id,
          message,
          causeKind: row.cause_kind,
          checksum: row.checksum,
          height: ctx.block.height,
        }),
      );
      status = 'refused';
    }
    await ctx.db
      .updateTable('program_pending')
      .set({ status, settled_height: ctx.block.height, settled_by: null })
      .where('id', '=', row.id)
      .execute();
  }
  return true;
}

/** The earliest effective height of a pending upgrade, to wake the writer then; null when none. */
export async function nextDueHeight(db: GovernanceScope['db']): Promise<number | null> {
  const row = await db
    .selectFrom('program_pending')
    .select((eb) => eb.fn.min<number>('effective_height').as('h'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.h ?? null;
}
