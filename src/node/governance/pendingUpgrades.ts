import { isAlephError } from '../../errors.js';
import type { ApplyContext } from '../apply/applyContext.js';
import { resolveProgramRefs } from '../apply/programRefs.js';
import type { ProgramPendingTable } from '../store/tables.js';
import { amendAttempt } from './amendAttempt.js';
import { settleDecision } from './applyDecision.js';
import { judgeUpgrade, type PendingCandidate, type UpgradeAttempt } from './judgeUpgrade.js';
import { insertRefusal, refusalOfError } from './refusals.js';
import { programContentOf } from './resolvedEdition.js';

type PendingRow = Omit<ProgramPendingTable, 'id'> & { id: number };

/**
 * Rebuilds a time-locked candidate against the program as it is now: a replacement re-resolves its
 * references (use_latest may have moved), an amend moves the amended chain on top of the edition in force.
 */
async function rebuild(ctx: ApplyContext, row: PendingRow): Promise<UpgradeAttempt> {
  const program = await ctx.db.selectFrom('programs').selectAll().where('id', '=', row.program_id).executeTakeFirstOrThrow();
  const message = { hash: row.message_hash, sender: row.sender, time: ctx.msg.envelope.time };
  const candidate = JSON.parse(row.candidate) as PendingCandidate;
  const common = { announcedHeight: row.announced_height };
  if (candidate.kind === 'amend') {
    const inForce = await ctx.db.selectFrom('messages').select('content').where('item_hash', '=', program.current_hash).executeTakeFirstOrThrow();
    const refs = await ctx.db.selectFrom('program_refs').selectAll().where('program_id', '=', program.id).execute();
    const { kind: _k, ...amend } = candidate;
    return { ...amendAttempt({ program, content: programContentOf(inForce.content ?? '{}'), refs, amend, message, owner: row.program_owner }), ...common };
  }
  const announced = await ctx.db.selectFrom('messages').select('content').where('item_hash', '=', row.message_hash).executeTakeFirstOrThrow();
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

/**
 * Applies every time-locked upgrade whose effective height the node has reached, inside the ordered
 * writer right after the message that reached it (so every node applies it at the same height, after
 * the same message). Each is judged again with its announcement height: chain state may have moved.
 * The edition records `time` as the time of the message that reached the height.
 *
 * @example
 * await applyDueUpgrades(ctx); // after each processed message
 */
export async function applyDueUpgrades(ctx: ApplyContext): Promise<void> {
  if (!ctx.stmts.anyDueUpgrade(ctx.height)) return;
  const due = await ctx.db
    .selectFrom('program_pending')
    .selectAll()
    .where('status', '=', 'pending')
    .where('effective_height', '<=', ctx.height)
    .orderBy('effective_height')
    .orderBy('id')
    .execute();
  for (const row of due) {
    let status: ProgramPendingTable['status'];
    try {
      const outcome = await settleDecision(ctx, await judgeUpgrade(ctx, await rebuild(ctx, row)));
      status = outcome === 'accepted' ? 'applied' : 'refused';
    } catch (e) {
      if (!isAlephError(e)) throw e;
      const message = { hash: row.message_hash, sender: row.sender, time: ctx.msg.envelope.time };
      await insertRefusal(ctx.db, refusalOfError(e, { programId: row.program_id, message, causeKind: row.cause_kind, checksum: row.checksum, height: ctx.height }));
      status = 'refused';
    }
    await ctx.db
      .updateTable('program_pending')
      .set({ status, settled_height: ctx.height, settled_by: ctx.msg.envelope.item_hash })
      .where('id', '=', row.id)
      .execute();
  }
}
