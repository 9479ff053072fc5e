import { amendAttempt } from '../governance/amendAttempt.js';
import { settleDecision } from '../governance/applyDecision.js';
import { judgeUpgrade } from '../governance/judgeUpgrade.js';
import { programContentOf } from '../governance/resolvedEdition.js';
import type { ApplyContext } from './applyContext.js';
import { contentOf } from './contentOf.js';

/**
 * A STORE amend reaches a program only through a use_latest reference (aleph). The amend itself is
 * already accepted; each live program using the amended original then adopts the new file version only if
 * its own policy accepts (DESIGN §3): accepted moves it to a new edition, `@timelock` announces it, refused
 * leaves it exactly on its edition with the refusal on its history. Programs are judged in id order, so
 * every node decides the same way.
 */
export async function adoptStoreAmend(ctx: ApplyContext, original: string): Promise<void> {
  const users = await ctx.db
    .selectFrom('program_refs')
    .innerJoin('programs', 'programs.id', 'program_refs.program_id')
    .select('program_refs.program_id')
    .distinct()
    .where('program_refs.original', '=', original)
    .where('program_refs.use_latest', '=', 1)
    .where('programs.status', '=', 'live')
    .orderBy('program_refs.program_id')
    .execute();
  const store = contentOf(ctx.msg, 'STORE');
  for (const { program_id } of users) {
    const program = await ctx.db
      .selectFrom('programs')
      .selectAll()
      .where('id', '=', program_id)
      .executeTakeFirstOrThrow();
    const inForce = await ctx.db
      .selectFrom('messages')
      .select('content')
      .where('item_hash', '=', program.current_hash)
      .executeTakeFirstOrThrow();
    const refs = await ctx.db.selectFrom('program_refs').selectAll().where('program_id', '=', program_id).execute();
    const attempt = amendAttempt({
      program,
      content: programContentOf(inForce.content ?? '{}'),
      refs,
      amend: { original, version: ctx.msg.envelope.item_hash, file_hash: store.item_hash },
      message: { hash: ctx.msg.envelope.item_hash, sender: ctx.msg.sender, time: ctx.msg.envelope.time },
      owner: store.address,
    });
    await settleDecision(ctx, await judgeUpgrade(ctx, attempt));
  }
}
