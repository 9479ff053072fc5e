import { AlephError } from '../../errors.js';
import {
  checkRolloutPlan,
  rolloutEndPostSchema,
  rolloutPlanPostSchema,
  sameAddress,
  toChecksumAddress,
  ROLLOUT_ABORT_POST_TYPE,
} from '../../protocol/index.js';
import type { ApplyContext } from '../apply/applyContext.js';
import { trustedCompute } from '../programs/computeReports.js';
import { abortedEditions, rolloutsOf } from '../programs/rolloutView.js';
import { restorePreviousEdition } from './abortEdition.js';
import { contentOf } from '../apply/contentOf.js';

function postBody(ctx: ApplyContext): Record<string, unknown> {
  const c = contentOf(ctx.msg, 'POST').content;
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
}

function invalid(e: { issues: Array<{ path: PropertyKey[]; message: string }> }, what: string): AlephError {
  const issue = e.issues[0];
  const field = ['content', ...(issue?.path ?? []).map(String)].join('.');
  return new AlephError('GOVERNANCE_POST_INVALID', `a ${what} POST: field "${field}": ${issue?.message ?? 'invalid'}`, {
    details: { field },
  });
}

async function liveProgram(ctx: ApplyContext, id: string) {
  const p = await ctx.db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
  if (p?.status !== 'live')
    throw new AlephError('PROGRAM_NOT_FOUND', `no live program ${id}`, { details: { program_id: id } });
  return p;
}

/**
 * Records a rollout plan (POST `aleph-rollout`): the program's owner (or a delegate acting for it) names the
 * candidate's checksum and the plan; the first edition accepted after it with that checksum rolls out by it.
 *
 * @example
 * if (content.type === ROLLOUT_PLAN_POST_TYPE) await recordRolloutPlan(ctx);
 */
export async function recordRolloutPlan(ctx: ApplyContext): Promise<void> {
  const body = postBody(ctx);
  const plan = checkRolloutPlan(body);
  const parsed = rolloutPlanPostSchema.safeParse({ ...body, ...plan });
  if (!parsed.success) throw invalid(parsed.error, 'rollout');
  const program = await liveProgram(ctx, parsed.data.program_id);
  if (!sameAddress(program.owner, ctx.msg.content.address)) {
    throw new AlephError(
      'ROLLOUT_NOT_OWNER',
      `only the owner ${program.owner} (or a delegate) may plan a rollout of ${program.id}`,
      {
        details: { program_id: program.id, owner: program.owner, address: ctx.msg.content.address },
      },
    );
  }
  await ctx.db
    .insertInto('program_rollouts')
    .values({
      program_id: program.id,
      checksum: parsed.data.checksum,
      plan: JSON.stringify(plan),
      planned_by: toChecksumAddress(ctx.msg.content.address),
      message_hash: ctx.msg.envelope.item_hash,
      // Processing order, not block height: several messages may share a block, and the plan must precede its edition.
      height: ctx.height,
      time: ctx.block.time,
      ended_kind: null,
      ended_by: null,
      ended_reason: null,
      ended_stats: null,
      ended_message_hash: null,
      ended_height: null,
      ended_time: null,
    })
    .execute();
}

/**
 * Ends the active rollout of an edition: promote (the owner) or abort (the owner, or a compute node the operator
 * trusts, signing with its own key). Judged at the writer's block time, so every node decides the same. An abort
 * puts the edition before the aborted one back in force (its number stays taken); compute nodes hear of it at once.
 *
 * @example
 * if (content.type === ROLLOUT_ABORT_POST_TYPE) await endRollout(ctx, 'aborted');
 */
export async function endRollout(ctx: ApplyContext, kind: 'promoted' | 'aborted'): Promise<void> {
  const parsed = rolloutEndPostSchema.safeParse(postBody(ctx));
  if (!parsed.success) throw invalid(parsed.error, kind === 'aborted' ? ROLLOUT_ABORT_POST_TYPE : 'rollout promote');
  const c = parsed.data;
  const program = await liveProgram(ctx, c.program_id);
  const isOwner = sameAddress(program.owner, ctx.msg.content.address);
  const sender = toChecksumAddress(ctx.msg.sender);
  if (kind === 'promoted' && !isOwner) {
    throw new AlephError(
      'ROLLOUT_NOT_OWNER',
      `only the owner ${program.owner} (or a delegate) may promote a rollout of ${program.id}`,
      {
        details: { program_id: program.id, owner: program.owner, address: ctx.msg.content.address },
      },
    );
  }
  // A compute node signs with its own key: the sender itself must be trusted, a delegate of it is not.
  if (kind === 'aborted' && !isOwner && !(await trustedCompute(ctx.db)).includes(sender)) {
    throw new AlephError(
      'ROLLOUT_ABORT_NOT_AUTHORIZED',
      `${sender} is neither the owner of ${program.id} nor a compute node this network trusts`,
      {
        hint: 'an abort is signed by the program owner (`aleph program rollout ID --abort`) or by a trusted compute node',
        details: { program_id: program.id, sender, owner: program.owner },
      },
    );
  }
  const rollouts = await rolloutsOf(ctx.db, program.id, ctx.block.time);
  const r = rollouts.filter((x) => x.edition === c.edition).at(-1);
  if (r?.status !== 'active') {
    throw new AlephError(
      'ROLLOUT_NOT_ACTIVE',
      `edition ${c.edition} of ${program.id} has no active rollout${r ? ` (it is ${r.status})` : ''}`,
      {
        hint: 'see `aleph program rollout ID`',
        details: { program_id: program.id, edition: c.edition, status: r?.status ?? null },
      },
    );
  }
  const row = await ctx.db
    .selectFrom('program_rollouts')
    .select('id')
    .where('program_id', '=', program.id)
    .where('message_hash', '=', r.message_hash)
    .executeTakeFirstOrThrow();
  const stats =
    c.requests !== undefined || c.errors !== undefined || c.error_rate !== undefined
      ? JSON.stringify({ requests: c.requests, errors: c.errors, error_rate: c.error_rate })
      : null;
  await ctx.db
    .updateTable('program_rollouts')
    .set({
      ended_kind: kind,
      ended_by: sender,
      ended_reason: c.reason ?? null,
      ended_stats: kind === 'aborted' ? stats : null,
      ended_message_hash: ctx.msg.envelope.item_hash,
      ended_height: ctx.block.height,
      ended_time: ctx.block.time,
    })
    .where('id', '=', row.id)
    .execute();
  if (kind === 'aborted' && r.edition !== null && r.previous_edition !== null) {
    const aborted = await abortedEditions(ctx.db, program.id);
    await restorePreviousEdition(ctx, program.id, r.edition, r.previous_edition, aborted);
  }
  ctx.events.push({ kind: 'program-updated', programId: program.id });
}
