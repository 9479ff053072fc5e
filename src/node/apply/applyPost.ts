import { AlephError } from '../../errors.js';
import { canActForAll, sameAddress } from '../../protocol/index.js';
import { aggregateOf, assertCanActFor, type ApplyContext } from './applyContext.js';
import { getMessageRow } from '../store/queries.js';
import {
  cancelPendingUpgrades,
  recordApproval,
  UPGRADE_APPROVAL_POST_TYPE,
  UPGRADE_CANCEL_POST_TYPE,
} from '../governance/governancePosts.js';
import { COMPUTE_REPORT_POST_TYPE, recordComputeReport } from '../programs/computeReports.js';
import { endRollout, recordRolloutPlan } from '../governance/rolloutPosts.js';
import { ROLLOUT_ABORT_POST_TYPE, ROLLOUT_PLAN_POST_TYPE, ROLLOUT_PROMOTE_POST_TYPE } from '../../protocol/index.js';
import { contentOf } from './contentOf.js';

/**
 * The POST types that do more than store the post: governance, compute reports, rollouts, and `amend`, which
 * reads the amended post's row (one the writer may not have written yet: see writesOnlyItsRow).
 */
const ACTING_POST_TYPES: ReadonlySet<string> = new Set([
  UPGRADE_APPROVAL_POST_TYPE,
  UPGRADE_CANCEL_POST_TYPE,
  COMPUTE_REPORT_POST_TYPE,
  ROLLOUT_PLAN_POST_TYPE,
  ROLLOUT_PROMOTE_POST_TYPE,
  ROLLOUT_ABORT_POST_TYPE,
  'amend',
]);

/** Whether a POST of this type only checks its sender's permission: it reads aggregates and writes nothing. */
export function isInertPostType(type: unknown): boolean {
  return typeof type === 'string' && !ACTING_POST_TYPES.has(type);
}

/**
 * POST, and its amend: an `amend` post replaces the content of an original post of the same owner.
 * Two POST types also act on program governance: upgrade approvals and cancellations (governancePosts.ts).
 */
export async function applyPost(ctx: ApplyContext): Promise<void> {
  const content = contentOf(ctx.msg, 'POST');
  await assertCanActFor(ctx, content.address);
  if (content.type === UPGRADE_APPROVAL_POST_TYPE) return recordApproval(ctx);
  if (content.type === UPGRADE_CANCEL_POST_TYPE) return cancelPendingUpgrades(ctx);
  if (content.type === COMPUTE_REPORT_POST_TYPE) return recordComputeReport(ctx);
  if (content.type === ROLLOUT_PLAN_POST_TYPE) return recordRolloutPlan(ctx);
  if (content.type === ROLLOUT_PROMOTE_POST_TYPE) return endRollout(ctx, 'promoted');
  if (content.type === ROLLOUT_ABORT_POST_TYPE) return endRollout(ctx, 'aborted');
  if (content.type !== 'amend') return;
  if (!content.ref) {
    throw new AlephError('POST_AMEND_NO_REF', 'an amend post needs a ref to the post it amends', {
      details: { field: 'ref' },
    });
  }
  const original = await getMessageRow(ctx.db, content.ref);
  if (original?.type !== 'POST' || original.status !== 'processed') {
    throw new AlephError('POST_AMEND_REF_UNKNOWN', `the amended post ${content.ref} is not an accepted POST`, {
      details: { ref: content.ref },
    });
  }
  if (original.subtype === 'amend') {
    throw new AlephError('POST_AMEND_OF_AMEND', 'an amend must refer to the original post, not to another amend', {
      details: { ref: content.ref },
    });
  }
  if (!original.owner || !sameAddress(original.owner, content.address)) {
    throw new AlephError('AMEND_NOT_OWNER', 'only the owner of a post may amend it', {
      details: { ref: content.ref, owner: original.owner, address: content.address },
    });
  }
  // A delegate allowed to post "amend" must also be allowed the amended post's own type and channel, through
  // the same authorization: otherwise post_types ["amend"] would let it rewrite every post of the owner.
  const amendAction = {
    chain: ctx.msg.envelope.chain,
    channel: ctx.msg.envelope.channel ?? null,
    type: 'POST',
    postType: 'amend',
  };
  const originalAction = {
    chain: ctx.msg.envelope.chain,
    channel: original.channel,
    type: 'POST',
    postType: original.subtype ?? '',
  };
  if (
    !canActForAll(
      content.address,
      ctx.msg.sender,
      [amendAction, originalAction],
      await aggregateOf(ctx, content.address, 'security'),
    )
  ) {
    throw new AlephError(
      'NOT_AUTHORIZED',
      `${ctx.msg.sender} may not amend posts of type "${original.subtype}" in channel ${original.channel} for ${content.address}`,
      {
        hint: 'the owner must authorize the sender for post types "amend" and the amended post\'s type, in its channel',
        details: {
          sender: ctx.msg.sender,
          owner: content.address,
          ref: content.ref,
          post_type: original.subtype,
          channel: original.channel,
        },
      },
    );
  }
}
