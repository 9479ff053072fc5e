import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { isAddress, isAnyItemHash, toChecksumAddress, type ServingState } from '../../protocol/index.js';
import type { ApplyContext } from '../apply/applyContext.js';
import { otherCoreNodes } from '../store/openStore.js';
import type { Db } from '../store/queries.js';
import type { ProgramComputeReportsTable } from '../store/tables.js';
import { contentOf } from '../apply/contentOf.js';

/**
 * POST type with which a trusted compute node says what it serves of a program (issue 7, "serving
 * truth"): `{program_id, serving_edition, failed_edition?, reason?}`. Sent when an accepted edition
 * could not start (the previous one keeps serving, or nothing does: serving_edition null) and when an
 * edition took over. Accepted only from the addresses the operator trusts (node option
 * `trustedComputeAddresses`; the devnet trusts its own compute node's key), refused from anyone else: a
 * stranger cannot make a program look broken.
 */
export const COMPUTE_REPORT_POST_TYPE = 'aleph-compute-report';

const META_KEY = 'trusted_compute';
const MAX_REASON = 500;

const ReportSchema = z
  .object({
    // Any program id: 64 hex or an IPFS CID (a program deployed from an IPFS PROGRAM message).
    program_id: z.string().refine(isAnyItemHash, 'expected an item hash (64-hex sha256 or an IPFS CID)'),
    serving_edition: z.number().int().min(0).max(0xffff).nullable(),
    failed_edition: z.number().int().min(0).max(0xffff).nullable().optional(),
    reason: z.string().max(4096).nullable().optional(),
  })
  .strict();

/**
 * Stores the operator's trusted compute addresses where the writer reads them (replacing the previous list).
 * Called at node start. The list decides verdicts for the whole store, so every core node running on one
 * store must be given the same: a different list is refused while another core node is connected (it
 * would silently overwrite that node's list, and which one holds would depend on start order). It changes
 * when the store's core nodes restart together: the first to start alone writes the new list. (A union
 * would also avoid the overwrite, but then no restart could ever withdraw a compromised compute key.)
 *
 * @example
 * await setTrustedCompute(db, [computeAddress]);
 */
export async function setTrustedCompute(db: Db, putative: readonly string[]): Promise<void> {
  const bad = putative.find((a) => !isAddress(a));
  if (bad !== undefined) {
    throw new AlephError('NODE_SETTING_INVALID', `trustedComputeAddresses: "${String(bad)}" is not a 0x address`, {
      details: { setting: 'trustedComputeAddresses' },
    });
  }
  const list = [...new Set(putative.map((a) => toChecksumAddress(a)))].sort();
  const value = JSON.stringify(list);
  const stored = await db.selectFrom('meta').select('value').where('key', '=', META_KEY).executeTakeFirst();
  if (stored?.value === value) return;
  if (stored && (await otherCoreNodes(db)) > 0) {
    throw new AlephError(
      'NODE_SETTING_CONFLICT',
      `the core nodes running on this store trust compute nodes ${stored.value}; this node was given ${value}`,
      {
        hint: 'give every core node of a store the same --compute-allow list; to change it, stop them all and start them with the new one',
        details: { setting: 'trustedComputeAddresses', stored: JSON.parse(stored.value) as unknown, given: list },
      },
    );
  }
  await db
    .insertInto('meta')
    .values({ key: META_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The compute addresses the operator trusts (reports, rollout aborts). */
export async function trustedCompute(db: Db): Promise<string[]> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', META_KEY).executeTakeFirst();
  return row ? (JSON.parse(row.value) as string[]) : [];
}

/**
 * Records a compute node's report on its program (applyPost dispatches it). The sender itself must be
 * trusted — a delegate acting for a trusted address is not enough.
 *
 * @example
 * if (content.type === COMPUTE_REPORT_POST_TYPE) await recordComputeReport(ctx);
 */
export async function recordComputeReport(ctx: ApplyContext): Promise<void> {
  const sender = toChecksumAddress(ctx.msg.sender);
  if (!(await trustedCompute(ctx.db)).includes(sender)) {
    throw new AlephError('COMPUTE_REPORT_NOT_TRUSTED', `${sender} is not a compute node this network trusts`, {
      hint: "only compute nodes listed in the node's trustedComputeAddresses may report what they serve",
      details: { sender },
    });
  }
  const parsed = ReportSchema.safeParse(contentOf(ctx.msg, 'POST').content);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AlephError(
      'COMPUTE_REPORT_INVALID',
      `a compute report needs content {program_id, serving_edition, failed_edition?, reason?}: ${issue?.message ?? 'invalid'}`,
      {
        details: { field: ['content', ...(issue?.path ?? [])].join('.') },
      },
    );
  }
  const r = parsed.data;
  const program = await ctx.db
    .selectFrom('programs')
    .select(['id', 'edition'])
    .where('id', '=', r.program_id)
    .executeTakeFirst();
  if (!program)
    throw new AlephError('COMPUTE_REPORT_PROGRAM_UNKNOWN', `no program ${r.program_id}`, {
      details: { program_id: r.program_id },
    });
  await ctx.db
    .insertInto('program_compute_reports')
    .values({
      program_id: program.id,
      reporter: sender,
      serving_edition: r.serving_edition,
      failed_edition: r.failed_edition ?? null,
      reason: r.reason ? r.reason.slice(0, MAX_REASON) : null,
      message_hash: ctx.msg.envelope.item_hash,
      time: ctx.block.time,
      height: ctx.block.height,
    })
    .execute();
}

type ReportRow = Omit<ProgramComputeReportsTable, 'id'> & { id: number };

/** One report as the API shows it, with the sentence `aleph program show` prints. */
export function reportView(r: ReportRow): ServingState {
  const serving = r.serving_edition === null ? 'serving: none' : `serving: edition ${r.serving_edition}`;
  const failed =
    r.failed_edition === null ? '' : `; edition ${r.failed_edition} failed to start: ${r.reason ?? 'no reason given'}`;
  return {
    edition: r.serving_edition,
    failed_edition: r.failed_edition,
    reason: r.reason,
    reported_by: r.reporter,
    message_hash: r.message_hash,
    time: r.time,
    height: r.height,
    summary: serving + failed,
  };
}

/** The latest report on a program (`serving` in `GET /api/v0/programs/{id}`); null before any. */
export async function servingView(db: Db, programId: string): Promise<ServingState | null> {
  const row = await db
    .selectFrom('program_compute_reports')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? reportView(row) : null;
}

/** Every report on a program, oldest first (`serving_reports` in its history), bounded to the latest 100. */
export async function servingHistory(db: Db, programId: string): Promise<ServingState[]> {
  const rows = await db
    .selectFrom('program_compute_reports')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  return rows.reverse().map(reportView);
}
