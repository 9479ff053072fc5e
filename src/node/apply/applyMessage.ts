import type { ApplyContext } from './applyContext.js';
import { applyAggregate } from './applyAggregate.js';
import { applyForget } from './applyForget.js';
import { applyPost, isInertPostType } from './applyPost.js';
import { applyProgram } from './applyProgram.js';
import { applyStore } from './applyStore.js';
import { assertCanActFor } from './applyContext.js';
import type { ValidMessage } from '../../protocol/index.js';
import { baseRow } from '../pipeline/recordMessage.js';

const handlers = {
  POST: applyPost,
  AGGREGATE: applyAggregate,
  STORE: applyStore,
  PROGRAM: applyProgram,
  FORGET: applyForget,
  // INSTANCE is stored, nothing more (the VM issue is out of scope): only the permission rule applies.
  INSTANCE: (ctx: ApplyContext) => assertCanActFor(ctx, ctx.msg.content.address),
} as const;

/**
 * Authorizes and applies one valid message, then records it as processed at its height and block
 * (time-locked upgrades due at that block were applied by the writer before it).
 */
export async function applyMessage(ctx: ApplyContext, receptionTime: number): Promise<void> {
  const { envelope, content, itemContent } = ctx.msg;
  await handlers[envelope.type](ctx);
  const c = content as Record<string, unknown>;
  const ref = envelope.type === 'PROGRAM' ? c.replaces : c.ref;
  const subtype = envelope.type === 'POST' ? c.type : envelope.type === 'AGGREGATE' ? c.key : null;
  const row = {
    ...baseRow(envelope, receptionTime),
    owner: content.address,
    content: itemContent,
    status: 'processed' as const,
    height: ctx.height,
    block_height: ctx.block.height,
    block_time: ctx.block.time,
    ref: typeof ref === 'string' ? ref : null,
    subtype: typeof subtype === 'string' ? subtype : null,
    size: itemContent.length,
  };
  await ctx.stmts.upsertMessage(row);
}

/**
 * Whether applying `msg` writes nothing but its own `messages` row, having read only aggregates: a plain POST
 * or an INSTANCE. The writer may then buffer that row with its neighbours' (one statement for all) and give
 * the message no savepoint of its own: a refusal leaves nothing to undo.
 */
export function writesOnlyItsRow(msg: ValidMessage): boolean {
  if (msg.envelope.type === 'INSTANCE') return true;
  return msg.envelope.type === 'POST' && isInertPostType((msg.content as Record<string, unknown>).type);
}
