import { AlephError } from '../../errors.js';
import { sameAddress, type ProgramContent } from '../../protocol/index.js';
import { assertCanActFor, type ApplyContext } from './applyContext.js';
import { resolveProgramRefs, saveProgramRefs } from './programRefs.js';
import { getMessageRow } from '../store/queries.js';

/**
 * PROGRAM: a deployment, or with `replaces` an update of an existing program, which keeps its id while the
 * replacement becomes its current version (aleph gives it a new hash; both route to the program).
 */
export async function applyProgram(ctx: ApplyContext): Promise<void> {
  const content = ctx.msg.content as unknown as ProgramContent & { address: string };
  const hash = ctx.msg.envelope.item_hash;
  await assertCanActFor(ctx, content.address);
  if (!content.replaces) {
    const refs = await resolveProgramRefs(ctx.db, hash, content);
    await ctx.db
      .insertInto('programs')
      .values({ id: hash, owner: content.address, current_hash: hash, edition: 0, status: 'live', created_height: ctx.height, updated_height: ctx.height })
      .execute();
    await saveProgramRefs(ctx.db, hash, refs);
    ctx.events.push({ kind: 'program-updated', programId: hash });
    return;
  }
  const target = await getMessageRow(ctx.db, content.replaces);
  if (!target || target.type !== 'PROGRAM') {
    throw new AlephError('REPLACE_TARGET_UNKNOWN', `replaces ${content.replaces}, which is not a known PROGRAM`, { details: { replaces: content.replaces } });
  }
  const program = await ctx.db.selectFrom('programs').selectAll().where('id', '=', content.replaces).executeTakeFirst();
  if (!program) {
    throw new AlephError('REPLACE_NOT_ORIGINAL', 'only the original PROGRAM message can be replaced, not a replacement', {
      hint: 'set replaces to the program id (the hash of its first PROGRAM message)',
      details: { replaces: content.replaces },
    });
  }
  if (program.status !== 'live') {
    throw new AlephError('PROGRAM_FORGOTTEN', `program ${program.id} was deleted and cannot be upgraded`, { details: { program_id: program.id } });
  }
  if (!sameAddress(program.owner, content.address)) {
    throw new AlephError('NOT_AUTHORIZED', `only the owner ${program.owner} (or a delegate) may replace the program`, {
      details: { owner: program.owner, address: content.address },
    });
  }
  const current = await getMessageRow(ctx.db, program.current_hash);
  const currentContent = JSON.parse(current?.content ?? '{}') as { allow_amend?: boolean };
  if (currentContent.allow_amend !== true) {
    throw new AlephError('AMEND_NOT_ALLOWED', 'the program version in force has allow_amend false: it cannot be replaced', {
      hint: 'an immutable aleph program can only be deleted and deployed again',
      details: { program_id: program.id, version: program.current_hash },
    });
  }
  const refs = await resolveProgramRefs(ctx.db, program.id, content);
  await ctx.db
    .updateTable('programs')
    .set({ current_hash: hash, edition: program.edition + 1, updated_height: ctx.height })
    .where('id', '=', program.id)
    .execute();
  await saveProgramRefs(ctx.db, program.id, refs);
  ctx.events.push({ kind: 'program-updated', programId: program.id });
}
