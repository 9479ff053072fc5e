import {
  isPendingVerdict,
  type AcceptedVerdict,
  type PendingVerdict,
  type RejectedVerdict,
} from '../../policy/index.js';
import { saveProgramRefs } from '../apply/programRefs.js';
import { insertEdition } from './editionRecords.js';
import type { GovernanceScope, UpgradeDecision } from './judgeUpgrade.js';
import { insertRefusal, refusalOfVerdict, type RefusalRecord } from './refusals.js';

type Decided<V> = UpgradeDecision & { verdict: V };

/**
 * Makes an accepted candidate the edition in force: version, references, edition number and its
 * history record move together, inside the writer's transaction, so nothing is half-applied.
 *
 * @example
 * if (d.verdict.accepted) await applyUpgrade(scope, d as Decided<AcceptedVerdict>);
 */
export async function applyUpgrade(scope: GovernanceScope, d: Decided<AcceptedVerdict>): Promise<void> {
  const { attempt, verdict } = d;
  const id = attempt.program.id;
  await scope.db
    .updateTable('programs')
    .set({ current_hash: attempt.contentHash, edition: verdict.edition, updated_height: scope.height })
    .where('id', '=', id)
    .execute();
  await saveProgramRefs(
    scope.db,
    id,
    attempt.refs.map((r) => ({ ...r, program_id: id })),
  );
  await insertEdition(scope.db, {
    programId: id,
    edition: verdict.edition,
    checksum: verdict.checksum,
    messageHash: attempt.message.hash,
    causeKind: attempt.causeKind,
    sender: attempt.message.sender,
    programOwner: attempt.owner,
    time: attempt.message.time,
    height: scope.block.height,
    changes: verdict.changes,
    resolved: d.candidate.resolved,
    references: d.candidate.references,
    manifest: verdict.manifest,
    sourceHashes: d.candidate.sourceHashes,
  });
  scope.events.push({ kind: 'program-updated', programId: id });
}

/**
 * Records a `@timelock` upgrade as pending; the writer applies it at `effectiveHeight`
 * (see applyDueUpgrades) unless the owner cancels it first.
 */
export async function announceUpgrade(scope: GovernanceScope, d: Decided<PendingVerdict>): Promise<void> {
  const { attempt, verdict } = d;
  await scope.db
    .insertInto('program_pending')
    .values({
      program_id: attempt.program.id,
      message_hash: attempt.message.hash,
      cause_kind: attempt.causeKind,
      candidate: JSON.stringify(attempt.pending),
      sender: attempt.message.sender,
      program_owner: attempt.owner,
      checksum: verdict.checksum,
      time: attempt.message.time,
      announced_height: verdict.announcedHeight,
      effective_height: verdict.effectiveHeight,
      status: 'pending',
      settled_height: null,
      settled_by: null,
    })
    .execute();
}

/** The refusal to record for a refused decision. */
export function refusalOfDecision(scope: GovernanceScope, d: Decided<RejectedVerdict>): RefusalRecord {
  const { attempt } = d;
  return refusalOfVerdict(d.verdict, {
    programId: attempt.program.id,
    message: attempt.message,
    causeKind: attempt.causeKind,
    checksum: d.checksum,
    height: scope.block.height,
  });
}

/**
 * Carries out any verdict where the causing message itself stays accepted (a STORE amend, a
 * time-locked upgrade reaching its height): apply, announce, or record the refusal on the program.
 *
 * @example
 * const outcome = await settleDecision(scope, await judgeUpgrade(scope, attempt));
 */
export async function settleDecision(
  scope: GovernanceScope,
  d: UpgradeDecision,
): Promise<'accepted' | 'pending' | 'refused'> {
  const v = d.verdict;
  if (v.accepted) {
    await applyUpgrade(scope, d as Decided<AcceptedVerdict>);
    return 'accepted';
  }
  if (isPendingVerdict(v)) {
    await announceUpgrade(scope, d as Decided<PendingVerdict>);
    return 'pending';
  }
  await insertRefusal(scope.db, refusalOfDecision(scope, d as Decided<RejectedVerdict>));
  return 'refused';
}
