import { AlephError } from '../../errors.js';
import { canActForAll, type ActionInfo } from '../../protocol/index.js';
import { aggregateOf, assertCanActFor, type ApplyContext } from './applyContext.js';
import { getMessageRow } from '../store/queries.js';
import type { MessagesTable } from '../store/tables.js';
import { contentOf } from './contentOf.js';

/** The program a PROGRAM message belongs to: itself when original, its `replaces` target otherwise. */
export function programIdOf(row: Pick<MessagesTable, 'item_hash' | 'ref'>): string {
  return row.ref ?? row.item_hash;
}

/**
 * What forgetting `target` does, as the owner's authorization filters see it: a delegate limited to a channel,
 * a post type or an aggregate key may forget only messages it could have sent under those filters itself.
 * The `types` filter is the FORGET's own (it must allow FORGET), so a FORGET-only delegate keeps working.
 */
function forgetTargetAction(ctx: ApplyContext, target: MessagesTable): Omit<ActionInfo, 'sender'> {
  return {
    chain: ctx.msg.envelope.chain,
    channel: target.channel,
    type: 'FORGET',
    postType: target.type === 'POST' ? (target.subtype ?? '') : undefined,
    aggregateKey: target.type === 'AGGREGATE' ? (target.subtype ?? '') : undefined,
  };
}

/**
 * FORGET: the owner (or a delegate) removes messages. The FORGET is recorded as content.address's, so the
 * sender must act for that address (like any message) and, for each target, for the target's owner. Everything is checked before anything changes, and a
 * STORE that a live program still uses cannot be forgotten (unless that program is forgotten by the same FORGET).
 */
export async function applyForget(ctx: ApplyContext): Promise<void> {
  const content = contentOf(ctx.msg, 'FORGET');
  await assertCanActFor(ctx, content.address, 'FORGET_NOT_AUTHORIZED');
  const forgetAction = { chain: ctx.msg.envelope.chain, channel: ctx.msg.envelope.channel ?? null, type: 'FORGET' };
  const targets: MessagesTable[] = [];
  for (const hash of content.hashes) {
    const row = await getMessageRow(ctx.db, hash);
    if (!row || (row.status !== 'processed' && row.status !== 'forgotten')) {
      throw new AlephError('FORGET_TARGET_UNKNOWN', `cannot forget ${hash}: no such accepted message`, {
        details: { hash },
      });
    }
    if (row.type === 'FORGET') {
      throw new AlephError('FORGET_FORGET', 'a FORGET message cannot be forgotten', { details: { hash } });
    }
    const owner = row.owner ?? row.sender;
    const security = await aggregateOf(ctx, owner, 'security');
    if (!canActForAll(owner, ctx.msg.sender, [forgetAction, forgetTargetAction(ctx, row)], security)) {
      throw new AlephError('FORGET_NOT_AUTHORIZED', `${ctx.msg.sender} may not forget ${hash}, owned by ${owner}`, {
        hint: "only the owner of a message, or an address it authorized for FORGET and for the message's channel (and post type or aggregate key), can forget it",
        details: { hash, owner, sender: ctx.msg.sender, channel: row.channel },
      });
    }
    targets.push(row);
  }
  const forgottenPrograms = new Set(targets.filter((t) => t.type === 'PROGRAM').map(programIdOf));
  for (const t of targets.filter((x) => x.type === 'STORE')) {
    const users = await ctx.db
      .selectFrom('program_refs')
      .innerJoin('programs', 'programs.id', 'program_refs.program_id')
      .select('program_refs.program_id')
      .where('programs.status', '=', 'live')
      .where((eb) => eb.or([eb('program_refs.ref', '=', t.item_hash), eb('program_refs.version', '=', t.item_hash)]))
      .execute();
    const live = users.map((u) => u.program_id).filter((id) => !forgottenPrograms.has(id));
    if (live.length) {
      throw new AlephError('FORGET_IN_USE', `STORE ${t.item_hash} is used by live program ${live[0]}`, {
        hint: 'delete the program first (aleph program delete), or forget both in one FORGET',
        details: { hash: t.item_hash, programs: [...new Set(live)] },
      });
    }
  }
  for (const t of targets) {
    const by = [...new Set([...(JSON.parse(t.forgotten_by ?? '[]') as string[]), ctx.msg.envelope.item_hash])];
    await ctx.db
      .updateTable('messages')
      .set({ status: 'forgotten', forgotten_by: JSON.stringify(by), item_content: null })
      .where('item_hash', '=', t.item_hash)
      .execute();
    if (t.type === 'STORE') {
      await ctx.db.deleteFrom('stores').where('item_hash', '=', t.item_hash).execute();
    }
    // Forgetting an upgrade approval withdraws it (the signer changed their mind before the threshold).
    if (t.type === 'POST')
      await ctx.db.deleteFrom('program_approvals').where('message_hash', '=', t.item_hash).execute();
  }
  for (const id of forgottenPrograms) {
    // pyaleph forgets a program's replacement messages with it (handlers/content/vm.py `forget_message`,
    // `delete_vm_updates`; forget.py forgets the hashes it returns), so no listing shows a dead program.
    const replacements = await ctx.db
      .selectFrom('messages')
      .select(['item_hash', 'forgotten_by'])
      .where('type', '=', 'PROGRAM')
      .where('ref', '=', id)
      .where('status', '=', 'processed')
      .execute();
    for (const r of replacements) {
      const by = [...new Set([...(JSON.parse(r.forgotten_by ?? '[]') as string[]), ctx.msg.envelope.item_hash])];
      await ctx.db
        .updateTable('messages')
        .set({ status: 'forgotten', forgotten_by: JSON.stringify(by), item_content: null })
        .where('item_hash', '=', r.item_hash)
        .execute();
    }
    await ctx.db
      .updateTable('programs')
      .set({ status: 'forgotten', updated_height: ctx.height })
      .where('id', '=', id)
      .execute();
    ctx.events.push({ kind: 'program-forgotten', programId: id });
  }
}
