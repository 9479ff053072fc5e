import { AlephError } from '../../errors.js';
import { sameAddress } from '../../protocol/index.js';
import type { ApplyContext } from '../apply/applyContext.js';
import { nextEditionNumber } from './editionRecords.js';
import { contentOf } from '../apply/contentOf.js';

/**
 * POST type of a signed approval of one candidate, counted by `@multisig` (DESIGN §4). Content:
 * `{program_id, checksum, edition}`: it counts once, for that program's candidate of that edition
 * only (Sui's single-use UpgradeTicket) — once the edition exists the approval is spent, so rolling
 * back to an approved checksum later needs new approvals. The approving address is the POST's
 * `content.address` (the sender, or the address it acts for through its `security` aggregate).
 * `aleph program approve <id> <checksum> [--edition N]` sends it. A FORGET of the POST withdraws it.
 */
export const UPGRADE_APPROVAL_POST_TYPE = 'program-upgrade-approval';

/**
 * POST type with which the program's owner cancels time-locked (`@timelock`) upgrades before they take
 * effect. Content: `{program_id, message_hash?}`; without `message_hash` every pending upgrade of the
 * program is cancelled. `aleph program cancel-upgrade <id> [<announcing message hash>]` sends it.
 */
export const UPGRADE_CANCEL_POST_TYPE = 'program-upgrade-cancel';

const HEX64 = /^[0-9a-fA-F]{64}$/;

function body(
  ctx: ApplyContext,
  what: string,
): { program_id: string; checksum?: unknown; edition?: unknown; message_hash?: unknown } {
  const c = contentOf(ctx.msg, 'POST').content as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object' || typeof c.program_id !== 'string') {
    throw new AlephError('GOVERNANCE_POST_INVALID', `a ${what} POST needs content {program_id, …}`, {
      details: { field: 'content.program_id' },
    });
  }
  return c as { program_id: string };
}

async function knownProgram(ctx: ApplyContext, id: string) {
  const program = await ctx.db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!program) throw new AlephError('PROGRAM_NOT_FOUND', `no program ${id}`, { details: { program_id: id } });
  return program;
}

/**
 * Records an approval of `checksum` as edition `edition` of a program by the POST's address
 * (idempotent per address).
 *
 * @example
 * if (content.type === UPGRADE_APPROVAL_POST_TYPE) await recordApproval(ctx);
 */
export async function recordApproval(ctx: ApplyContext): Promise<void> {
  const c = body(ctx, UPGRADE_APPROVAL_POST_TYPE);
  if (typeof c.checksum !== 'string' || !HEX64.test(c.checksum)) {
    throw new AlephError(
      'GOVERNANCE_POST_INVALID',
      'an approval needs content.checksum: the 64 hex characters of `aleph program checksum`',
      { details: { field: 'content.checksum' } },
    );
  }
  if (typeof c.edition !== 'number' || !Number.isSafeInteger(c.edition) || c.edition < 1 || c.edition > 0xffff) {
    throw new AlephError(
      'GOVERNANCE_POST_INVALID',
      'an approval needs content.edition: the edition the upgrade would become (the current edition + 1)',
      {
        hint: 'approvals are single-use: each names the program, the candidate checksum and the candidate edition',
        details: { field: 'content.edition' },
      },
    );
  }
  const program = await knownProgram(ctx, c.program_id);
  // Above every edition ever accepted: an edition aborted during its rollout keeps its number (DESIGN §9).
  const next = await nextEditionNumber(ctx.db, program);
  if (c.edition < next) {
    throw new AlephError(
      'APPROVAL_EDITION_PASSED',
      `program ${program.id} already had edition ${next - 1}; an approval for edition ${c.edition} could never count`,
      {
        hint: `approve edition ${next} (the next upgrade)`,
        details: { program_id: program.id, edition: c.edition, current_edition: program.edition, next_edition: next },
      },
    );
  }
  const row = {
    program_id: program.id,
    edition: c.edition,
    checksum: c.checksum.toLowerCase(),
    address: ctx.msg.content.address,
    message_hash: ctx.msg.envelope.item_hash,
    height: ctx.block.height,
  };
  await ctx.db
    .insertInto('program_approvals')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['program_id', 'edition', 'checksum', 'address'])
        .doUpdateSet({ message_hash: row.message_hash, height: row.height }),
    )
    .execute();
}

/**
 * Cancels pending upgrades of a program; only its owner (or a delegate acting for it) may.
 *
 * @example
 * if (content.type === UPGRADE_CANCEL_POST_TYPE) await cancelPendingUpgrades(ctx);
 */
export async function cancelPendingUpgrades(ctx: ApplyContext): Promise<void> {
  const c = body(ctx, UPGRADE_CANCEL_POST_TYPE);
  const program = await knownProgram(ctx, c.program_id);
  if (!sameAddress(program.owner, ctx.msg.content.address)) {
    throw new AlephError(
      'NOT_AUTHORIZED',
      `only the owner ${program.owner} (or a delegate) may cancel an upgrade of ${program.id}`,
      {
        details: { owner: program.owner, address: ctx.msg.content.address },
      },
    );
  }
  if (c.message_hash !== undefined && (typeof c.message_hash !== 'string' || !HEX64.test(c.message_hash))) {
    throw new AlephError('GOVERNANCE_POST_INVALID', 'content.message_hash must be the hash of the announcing message', {
      details: { field: 'content.message_hash' },
    });
  }
  let query = ctx.db
    .updateTable('program_pending')
    .set({ status: 'cancelled', settled_height: ctx.block.height, settled_by: ctx.msg.envelope.item_hash })
    .where('program_id', '=', program.id)
    .where('status', '=', 'pending');
  if (typeof c.message_hash === 'string') query = query.where('message_hash', '=', c.message_hash);
  const [result] = await query.execute();
  if (Number(result?.numUpdatedRows ?? 0) === 0) {
    throw new AlephError('PENDING_UPGRADE_UNKNOWN', `program ${program.id} has no such pending upgrade`, {
      hint: 'see `aleph program show <id>` for pending upgrades',
      details: { program_id: program.id, ...(c.message_hash ? { message_hash: c.message_hash } : {}) },
    });
  }
}
