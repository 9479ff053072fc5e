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
  candidate: { edition: number; programOwner: string; checksum: string; announcedHeight?: number; programId?: string },
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
const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * What an `@checksum` mapping entry approves: `{program_id, checksum, edition}` (JSON in the
 * aggregate), and only for that program's candidate of that edition, so an approval is spent by the
 * upgrade it named (Sui's single-use UpgradeTicket). A bare checksum is unbound — it would let a
 * program return to an approved edition later with no new vote — so it approves nothing.
 */
export function boundChecksum(
  value: string | number | boolean | null,
  ctx: Pick<ConstructorContext, 'edition' | 'programId'>,
): string | null {
  if (typeof value !== 'string' || !value.startsWith('{') || value.length > 4096) return null;
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return null;
  }
  const a = v as { program_id?: unknown; checksum?: unknown; edition?: unknown };
  if (typeof a.checksum !== 'string' || !HEX64.test(a.checksum) || a.edition !== ctx.edition) return null;
  if (ctx.programId !== undefined && a.program_id !== ctx.programId) return null;
  return a.checksum.toLowerCase();
}

/** `@checksum` reads its own mapping entry through {@link boundChecksum}; other reads are untouched. */
function withBoundChecksum(stored: CompiledConstructor, ctx: ConstructorContext): ConstructorContext {
  if (stored.kind !== 'checksum') return ctx;
  const { mapping, key } = stored.params as { mapping: string; key: string };
  return {
    ...ctx,
    readMapping: (m, k) =>
      m === mapping && k === key ? boundChecksum(ctx.readMapping(m, k), ctx) : ctx.readMapping(m, k),
  };
}

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
    runConstructor(stored.avm, withBoundChecksum(stored, ctx));
    return null;
  } catch (e) {
    if (!(e instanceof AlephError) || (e.code !== 'CONSTRUCTOR_FAILED' && e.code !== 'AVM_INVALID')) throw e;
    if (e.code === 'AVM_INVALID')
      return reject('AVM_INVALID', RULE, `the stored constructor is not valid AVM: ${e.message}`, e.details);
    if (stored.kind === 'multisig') {
      const threshold = Number(stored.params.threshold);
      const signers = (stored.params.signers as string[]).map((s) => s.toLowerCase());
      const approved = new Set(
        (ctx.approvals?.(ctx.checksum) ?? []).map((a) => String(a).toLowerCase()).filter((a) => signers.includes(a)),
      );
      return reject(
        'MULTISIG_THRESHOLD_NOT_MET',
        'constructor: @multisig needs threshold approvals of the candidate checksum',
        `${approved.size} of ${threshold} required approvals of checksum ${ctx.checksum}`,
        {
          ...e.details,
          threshold,
          approvals: approved.size,
          approved_by: [...approved].sort(),
          checksum: ctx.checksum,
        },
      );
    }
    if (stored.kind === 'timelock') {
      const effectiveHeight = (ctx.announcedHeight ?? ctx.height) + Number(stored.params.delay);
      return reject(
        'TIMELOCK_NOT_ELAPSED',
        'constructor: @timelock upgrades take effect only after the delay',
        `this upgrade takes effect at height ${effectiveHeight}; the height is ${ctx.height}`,
        {
          ...e.details,
          effectiveHeight,
          height: ctx.height,
        },
      );
    }
    if (stored.kind === 'checksum') {
      const { mapping, key } = stored.params as { mapping: string; key: string };
      const expected = { program_id: ctx.programId, checksum: ctx.checksum, edition: ctx.edition };
      return reject(
        'CONSTRUCTOR_FAILED',
        RULE,
        `${e.message}; @checksum needs ${mapping}[${key}] = ${JSON.stringify(expected)} (an approval names the program, the checksum and the edition)`,
        {
          ...e.details,
          mapping,
          key,
          expected,
        },
      );
    }
    return reject('CONSTRUCTOR_FAILED', RULE, e.message, e.details);
  }
}
