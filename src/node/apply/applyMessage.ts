import type { ApplyContext } from './applyContext.js';
import { applyAggregate } from './applyAggregate.js';
import { applyForget } from './applyForget.js';
import { applyPost, isInertPostType } from './applyPost.js';
import { applyProgram } from './applyProgram.js';
import { applyStore } from './applyStore.js';
import { assertCanActFor } from './applyContext.js';
import type { ValidMessage } from '../../protocol/index.js';
import { baseRow } from '../pipeline/recordMessage.js';
import { contentOf } from './contentOf.js';

const handlers = {
  POST: applyPost,
  AGGREGATE: applyAggregate,
  STORE: applyStore,
  PROGRAM: applyProgram,
  FORGET: applyForget,
  // INSTANCE is stored, nothing more (the VM issue is out of scope): only the permission rule applies.
  INSTANCE: (ctx: ApplyContext) => assertCanActFor(ctx, ctx.msg.content.address),
} as const;

/** The columns a message is listed and looked up by: POST/STORE `ref` or PROGRAM `replaces`; POST `type` or AGGREGATE `key`. */
function indexedFields(msg: ValidMessage): { ref: string | null; subtype: string | null } {
  switch (msg.envelope.type) {
    case 'POST': {
      const c = contentOf(msg, 'POST');
      return { ref: c.ref ?? null, subtype: c.type };
    }
    case 'STORE':
      return { ref: contentOf(msg, 'STORE').ref ?? null, subtype: null };
    case 'PROGRAM':
      return { ref: contentOf(msg, 'PROGRAM').replaces ?? null, subtype: null };
    case 'AGGREGATE':
      return { ref: null, subtype: contentOf(msg, 'AGGREGATE').key };
    case 'INSTANCE': {
      // Its content is kept as sent (looser schema): a `ref` is indexed when it is a string.
      const r = contentOf(msg, 'INSTANCE').ref;
      return { ref: typeof r === 'string' ? r : null, subtype: null };
    }
    case 'FORGET':
      return { ref: null, subtype: null };
  }
}

/**
 * Authorizes and applies one valid message, then records it as processed at its height and block
 * (time-locked upgrades due at that block were applied by the writer before it).
 */
export async function applyMessage(ctx: ApplyContext, receptionTime: number): Promise<void> {
  const { envelope, content, itemContent } = ctx.msg;
  await handlers[envelope.type](ctx);
  const { ref, subtype } = indexedFields(ctx.msg);
  const row = {
    ...baseRow(envelope, receptionTime),
    owner: content.address,
    content: itemContent,
    status: 'processed' as const,
    height: ctx.height,
    block_height: ctx.block.height,
    block_time: ctx.block.time,
    ref,
    subtype,
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
  return msg.envelope.type === 'POST' && isInertPostType(contentOf(msg, 'POST').type);
}
