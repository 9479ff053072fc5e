import type { ApplyContext } from './applyContext.js';

/**
 * A STORE amend reaches a program only through a use_latest reference (aleph). Each live program using the
 * amended original moves to the new file version and a new edition.
 */
export async function adoptStoreAmend(ctx: ApplyContext, original: string): Promise<void> {
  const users = await ctx.db
    .selectFrom('program_refs')
    .innerJoin('programs', 'programs.id', 'program_refs.program_id')
    .select(['program_refs.program_id', 'program_refs.kind', 'program_refs.mount'])
    .where('program_refs.original', '=', original)
    .where('program_refs.use_latest', '=', 1)
    .where('programs.status', '=', 'live')
    .orderBy('program_refs.program_id')
    .execute();
  const content = ctx.msg.content as unknown as { item_hash: string };
  const touched = new Set<string>();
  for (const u of users) {
    await ctx.db
      .updateTable('program_refs')
      .set({ version: ctx.msg.envelope.item_hash, file_hash: content.item_hash })
      .where('program_id', '=', u.program_id)
      .where('kind', '=', u.kind)
      .where('mount', '=', u.mount)
      .execute();
    touched.add(u.program_id);
  }
  for (const id of touched) {
    await ctx.db
      .updateTable('programs')
      .set((eb) => ({ edition: eb('edition', '+', 1), updated_height: ctx.height }))
      .where('id', '=', id)
      .execute();
    ctx.events.push({ kind: 'program-updated', programId: id });
  }
}
