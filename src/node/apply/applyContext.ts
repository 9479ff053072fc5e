import type { ValidMessage } from '../../protocol/index.js';
import { AlephError } from '../../errors.js';
import { canActFor, MAX_JSON_DEPTH_CEILING, parseJsonWithin, sameAddress } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import type { BlockStamp } from '../pipeline/blockClock.js';
import type { WriterStatements } from '../store/hotStatements.js';
import type { Db } from '../store/queries.js';
import { contentOf } from './contentOf.js';

/** Something the node did that followers (the compute node, websocket clients) must hear about. */
export interface NodeEvent {
  kind: 'program-updated' | 'program-forgotten';
  programId: string;
}

/** What one apply step sees: the transaction, the message and the height it will get. */
export interface ApplyContext {
  db: Db;
  /** The hot path's prepared statements, on the same connection and transaction as `db`. */
  stmts: WriterStatements;
  /** Read-only here: governance reads program.toml from the code a program uses. */
  files: FileStore;
  msg: ValidMessage;
  /** Processing order (messages.height): what "newest" and listings order by. */
  height: number;
  /** `block.height` and `block.timestamp` the writer assigned this message (DESIGN §4). */
  block: BlockStamp;
  events: NodeEvent[];
}

/** The current content of an aggregate key in the writer's transaction, or null. */
export async function aggregateOf(
  ctx: Pick<ApplyContext, 'stmts'>,
  address: string,
  key: string,
): Promise<Record<string, unknown> | null> {
  const raw = await ctx.stmts.aggregateContent(address, key);
  // A store from an older node may hold a value too deep to merge and serialize again: read it as absent
  // (a security aggregate then grants nothing; the next AGGREGATE to the key starts it afresh).
  const v = parseJsonWithin(raw, MAX_JSON_DEPTH_CEILING);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The general permission rule (DESIGN §2): the sender acts for `owner` itself or through its `security` aggregate. */
export async function mayActFor(ctx: ApplyContext, owner: string): Promise<boolean> {
  const { msg } = ctx;
  // The owner itself needs no delegation: its security aggregate is not read (a round trip on PostgreSQL).
  if (sameAddress(owner, msg.sender)) return true;
  const security = await aggregateOf(ctx, owner, 'security');
  return canActFor(
    owner,
    {
      sender: msg.sender,
      chain: msg.envelope.chain,
      channel: msg.envelope.channel ?? null,
      type: msg.envelope.type,
      postType: msg.envelope.type === 'POST' ? contentOf(msg, 'POST').type : undefined,
      aggregateKey: msg.envelope.type === 'AGGREGATE' ? contentOf(msg, 'AGGREGATE').key : undefined,
    },
    security,
  );
}

/** {@link mayActFor}, throwing NOT_AUTHORIZED (or `code`) when the sender may not. */
export async function assertCanActFor(
  ctx: ApplyContext,
  owner: string,
  code: 'NOT_AUTHORIZED' | 'FORGET_NOT_AUTHORIZED' = 'NOT_AUTHORIZED',
): Promise<void> {
  if (!(await mayActFor(ctx, owner))) {
    throw new AlephError(code, `${ctx.msg.sender} may not act for ${owner}`, {
      hint: `the owner must list the sender in the authorizations of its "security" aggregate`,
      details: { sender: ctx.msg.sender, owner },
    });
  }
}
