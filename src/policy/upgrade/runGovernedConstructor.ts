import { AlephError } from '../../errors.js';
import { runConstructor } from '../avm/runConstructor.js';
import type { CompiledConstructor, ConstructorContext } from '../types.js';
import type { PolicyContext } from './inputs.js';
import { reject } from './verdict.js';
import type { RejectedVerdict } from './verdict.js';

/**
 * Builds the constructor's view of a candidate from the caller's context. Callbacks are bound
 * explicitly: spreading a class instance would silently drop its prototype methods.
 *
 * @example
 * constructorContext(ctx, { edition: 1, programOwner: owner, checksum });
 */
export function constructorContext(
  ctx: PolicyContext,
  candidate: { edition: number; programOwner: string; checksum: string; announcedHeight?: number },
): ConstructorContext {
  const out: ConstructorContext = {
    ...candidate,
    checksum: candidate.checksum.toLowerCase(),
    height: ctx.height,
    timestamp: ctx.timestamp,
    readMapping: (mapping, key) => ctx.readMapping(mapping, key),
    programEdition: (id) => ctx.programEdition(id),
  };
  if (ctx.programOwnerOf) out.programOwnerOf = (id) => ctx.programOwnerOf!(id);
  if (ctx.approvals) out.approvals = (checksum) => ctx.approvals!(checksum);
  return out;
}

const RULE = 'constructor: the constructor fixed at edition 0 must accept the candidate';

/**
 * Runs the stored constructor for a candidate and turns a failure into the refusal users should
 * see: `@multisig` and `@timelock` failures get their own codes, everything else is
 * CONSTRUCTOR_FAILED naming the instruction.
 *
 * @example
 * runGovernedConstructor(stored, { ...ctx, edition: 1 }); // null, or a RejectedVerdict
 */
export function runGovernedConstructor(stored: CompiledConstructor, ctx: ConstructorContext): RejectedVerdict | null {
  try {
    runConstructor(stored.avm, ctx);
    return null;
  } catch (e) {
    if (!(e instanceof AlephError) || (e.code !== 'CONSTRUCTOR_FAILED' && e.code !== 'AVM_INVALID')) throw e;
    if (e.code === 'AVM_INVALID') return reject('AVM_INVALID', RULE, `the stored constructor is not valid AVM: ${e.message}`, e.details);
    if (stored.kind === 'multisig') {
      const threshold = Number(stored.params.threshold);
      const signers = (stored.params.signers as string[]).map((s) => s.toLowerCase());
      const approved = new Set((ctx.approvals?.(ctx.checksum) ?? []).map((a) => String(a).toLowerCase()).filter((a) => signers.includes(a)));
      return reject('MULTISIG_THRESHOLD_NOT_MET', 'constructor: @multisig needs threshold approvals of the candidate checksum', `${approved.size} of ${threshold} required approvals of checksum ${ctx.checksum}`, {
        ...e.details,
        threshold,
        approvals: approved.size,
        approved_by: [...approved].sort(),
        checksum: ctx.checksum,
      });
    }
    if (stored.kind === 'timelock') {
      const effectiveHeight = (ctx.announcedHeight ?? ctx.height) + Number(stored.params.delay);
      return reject('TIMELOCK_NOT_ELAPSED', 'constructor: @timelock upgrades take effect only after the delay', `this upgrade takes effect at height ${effectiveHeight}; the height is ${ctx.height}`, {
        ...e.details,
        effectiveHeight,
        height: ctx.height,
      });
    }
    return reject('CONSTRUCTOR_FAILED', RULE, e.message, e.details);
  }
}
