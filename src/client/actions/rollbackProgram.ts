import { AlephError, isAlephError } from '../../errors.js';
import type { DryRunResult } from '../../protocol/api/index.js';
import { buildProgramReplacement } from '../messages/buildProgram.js';
import { buildStore } from '../messages/buildStore.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { getCurrentProgram } from './currentProgram.js';
import { dryRunProgram } from './dryRunProgram.js';
import { getLiveMessage } from './getMessage.js';
import { getProgram } from './getProgram.js';
import { getProgramHistory } from './getProgramHistory.js';
import { publishMessage, type PublishMessageReturnType } from './publishMessage.js';
import { getEdition, type EditionDetail } from './rollout.js';

/**
 * Parameters of {@link rollbackProgram}: the target edition (default: the newest earlier one not aborted).
 * @example
 * const p: RollbackProgramParameters = { id, to: 1, dryRun: true };
 */
export interface RollbackProgramParameters {
  id: string;
  to?: number | undefined;
  /** Only ask the node for its verdict on the rollback; sign nothing. */
  dryRun?: boolean | undefined;
}

/**
 * What {@link rollbackProgram} did: the target, how the candidate travels, the node's verdict, what was published.
 * @example
 * const { verdict, published }: RollbackProgramReturnType = await rollbackProgram(config, { id });
 */
export interface RollbackProgramReturnType {
  id: string;
  target: EditionDetail;
  kind: 'amend' | 'replacement';
  verdict: DryRunResult;
  published: PublishMessageReturnType | null;
}

const withoutCode = (r: EditionDetail['resolved_edition']) =>
  JSON.stringify({ ...r, code: { ...r.code, file_hash: '' } });

/** `current` is the edition in force: after an aborted rollout, the one before the aborted edition. */
async function targetOf(
  config: ClientConfig,
  id: string,
  to: number | undefined,
  current: number,
): Promise<EditionDetail> {
  const { editions, rollouts } = await getProgramHistory(config, { id });
  const aborted = new Set(rollouts.flatMap((r) => (r.status === 'aborted' && r.edition !== null ? [r.edition] : [])));
  const n =
    to ??
    editions
      .map((e) => e.edition)
      .filter((e) => e < current && !aborted.has(e))
      .at(-1);
  if (n === undefined || !editions.some((e) => e.edition === n) || (to === undefined && n === current)) {
    throw new AlephError(
      'ROLLBACK_EDITION_UNKNOWN',
      `program ${id} has no edition ${n ?? '(earlier)'} to roll back to`,
      {
        hint: 'see `aleph program history ID` for its editions',
        details: { program_id: id, edition: n ?? -1 },
      },
    );
  }
  let target: EditionDetail;
  try {
    target = await getEdition(config, { id, edition: n });
  } catch (e) {
    if (isAlephError(e) && (e.details as { error_code?: string }).error_code === 'EDITION_NOT_FOUND')
      throw new AlephError('ROLLBACK_EDITION_UNKNOWN', `program ${id} has no edition ${n}`, {
        details: { program_id: id, edition: n },
      });
    throw e;
  }
  if (target.aborted)
    throw new AlephError(
      'ROLLBACK_TARGET_ABORTED',
      `edition ${n} of ${id} was aborted during its rollout: it cannot be a rollback target`,
      {
        hint: 'roll back to an edition that served (see `aleph program history ID`)',
        details: { program_id: id, edition: n },
      },
    );
  return target;
}

/**
 * Rolls a program back to edition N (`aleph program rollback`): an upgrade whose candidate is exactly edition N's
 * resolved content, so its checksum equals N's, judged by the program's policy like any other (an interface rule
 * or a constructor may refuse it). When only the code differs and the code follows `use_latest`, the candidate is a
 * STORE amend of the code back to N's file; otherwise a PROGRAM replacement carrying N's content. The node's dry
 * run decides first: a candidate whose checksum is not N's is refused here (ROLLBACK_NOT_REPRODUCIBLE), nothing
 * signed; a refusal by the policy is returned as the verdict, nothing published.
 * @example
 * const r = await rollbackProgram(config, { id, to: 1 });
 * if (r.verdict.verdict === 'refused') console.error(r.verdict.error_code, r.verdict.rule);
 */
export async function rollbackProgram(
  config: ClientConfig,
  p: RollbackProgramParameters,
): Promise<RollbackProgramReturnType> {
  const { id, current } = await getCurrentProgram(config, { hash: p.id });
  const now = await getProgram(config, { id });
  const target = await targetOf(config, id, p.to, now.edition);
  const code = (current.content.code ?? {}) as { ref?: string; use_latest?: boolean };
  const sender = p.dryRun ? (config.account?.address ?? undefined) : requireAccount(config).address;
  const byAmend =
    code.use_latest !== false &&
    !!code.ref &&
    withoutCode(now.resolved_edition as EditionDetail['resolved_edition']) === withoutCode(target.resolved_edition);
  const { replaces: _r, time: _t, ...base } = structuredClone(current.content);
  const content = byAmend ? null : { ...base, ...pickBehaviour(target.content) };
  const replacement = content
    ? buildProgramReplacement({
        sender: sender ?? now.owner,
        programId: id,
        content,
        channel: current.channel ?? config.channel,
      })
    : null;
  // An amend is the code STORE's owner's message: that address is its program_owner (what @admin checks).
  const codeStore = byAmend ? await getLiveMessage(config, { hash: code.ref!, type: 'STORE' }) : null;
  const storeOwner = codeStore ? String(codeStore.content.address ?? codeStore.sender) : undefined;
  const dryRunSender = storeOwner ?? sender;
  const verdict = await dryRunProgram(config, {
    id,
    candidate: replacement
      ? { content: replacement.content as unknown as Record<string, unknown>, ...(sender ? { sender } : {}) }
      : { code_hash: target.resolved_edition.code.file_hash, ...(dryRunSender ? { sender: dryRunSender } : {}) },
  });
  if (verdict.checksum !== null && verdict.checksum !== target.checksum) {
    throw new AlephError(
      'ROLLBACK_NOT_REPRODUCIBLE',
      `the rollback candidate's checksum ${verdict.checksum} is not edition ${target.edition}'s ${target.checksum}`,
      {
        hint: 'a reference with use_latest moved since then: pin it, or replace the program with that content yourself',
        details: { program_id: id, edition: target.edition, expected: target.checksum, got: verdict.checksum },
      },
    );
  }
  const kind = byAmend ? 'amend' : 'replacement';
  if (p.dryRun || verdict.verdict === 'refused') return { id, target, kind, verdict, published: null };
  if (replacement)
    return { id, target, kind, verdict, published: await publishMessage(config, { message: replacement }) };
  if (!codeStore) throw new AlephError('PROGRAM_INVALID', `program ${id} has no code reference`);
  const ref = typeof codeStore.content.ref === 'string' && codeStore.content.ref ? codeStore.content.ref : code.ref!;
  const message = buildStore({
    sender: sender!,
    address: storeOwner!,
    itemHash: target.resolved_edition.code.file_hash,
    ref,
    channel: codeStore.channel ?? undefined,
  });
  return { id, target, kind, verdict, published: await publishMessage(config, { message }) };
}

/** The fields of a PROGRAM content that decide behaviour (what the checksum covers). */
function pickBehaviour(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['code', 'runtime', 'volumes', 'resources', 'environment', 'variables', 'on'])
    if (k in c) out[k] = c[k];
  return out;
}
