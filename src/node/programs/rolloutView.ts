import { rolloutPercentAt, type RolloutEvent, type RolloutPlan, type RolloutView } from '../../protocol/index.js';
import type { Db } from '../store/queries.js';
import type { ProgramRolloutsTable } from '../store/tables.js';

type RolloutRow = Omit<ProgramRolloutsTable, 'id'> & { id: number; block_height?: number | null | undefined };
interface EditionRow {
  edition: number;
  checksum: string;
  height: number;
  message_hash: string;
  time: number;
  block_time?: number | null | undefined;
}

const pct = (n: number) => `${Number(n.toFixed(2))} %`;

function endedView(r: RolloutRow): RolloutView['ended'] {
  if (!r.ended_kind || r.ended_time === null) return null;
  const stats = r.ended_stats
    ? (JSON.parse(r.ended_stats) as { requests?: number; errors?: number; error_rate?: number })
    : {};
  return {
    kind: r.ended_kind,
    by: r.ended_by,
    reason: r.ended_reason,
    requests: stats.requests ?? null,
    errors: stats.errors ?? null,
    error_rate: stats.error_rate ?? null,
    message_hash: r.ended_message_hash,
    time: r.ended_time,
    height: r.ended_height,
  };
}

/** The sentence history shows for an end: `edition 2 aborted: error rate 0.31 > 0.02 after 50 requests (by 0x…)`. */
function endSummary(edition: number, plan: RolloutPlan, e: NonNullable<RolloutView['ended']>): string {
  if (e.kind === 'promoted')
    return `edition ${edition} promoted${e.by ? ` by ${e.by}` : ''}: ${e.reason ?? 'serves all requests'}`;
  const why =
    e.error_rate !== null && e.requests !== null
      ? `error rate ${Number(e.error_rate.toFixed(4))} > ${plan.max_error_rate} after ${e.requests} requests`
      : (e.reason ?? 'no reason given');
  return `edition ${edition} aborted: ${why}${e.by ? ` (by ${e.by})` : ''}`;
}

/**
 * One plan as of `now`: bound to `bound` (the first edition after it, when it has the plan's checksum and no later
 * plan came first), and ended by its row, by a later edition taking over, or by the schedule reaching 100 %.
 */
function viewOf(
  r: RolloutRow,
  bound: (EditionRow & { startedTime: number; previous: number }) | null,
  status0: 'planned' | 'void' | null,
  later: EditionRow | null,
  now: number,
): RolloutView {
  const plan = JSON.parse(r.plan) as RolloutPlan;
  const events: RolloutEvent[] = [
    {
      kind: 'planned',
      time: r.time,
      // The block height, like every other height the history shows (r.height is the processing order).
      height: r.block_height ?? null,
      percent: plan.steps[0] ?? null,
      by: r.planned_by,
      message_hash: r.message_hash,
      summary: `rollout planned for ${r.checksum.slice(0, 12)}…: ${plan.steps.map(pct).join(' → ')}, every ${plan.step_seconds} s, abort over error rate ${plan.max_error_rate} after ${plan.min_requests} requests`,
    },
  ];
  const base = {
    program_id: r.program_id,
    checksum: r.checksum,
    plan,
    planned_by: r.planned_by,
    message_hash: r.message_hash,
    events,
  };
  if (!bound)
    return {
      ...base,
      status: status0 ?? 'void',
      edition: null,
      previous_edition: null,
      started_time: null,
      started_height: null,
      percent: 0,
      ended: null,
    };
  const scheduleEnd = bound.startedTime + (plan.steps.length - 1) * plan.step_seconds;
  let ended = endedView(r);
  if (!ended && later)
    ended = {
      kind: 'promoted',
      by: null,
      reason: `edition ${later.edition} took over`,
      requests: null,
      errors: null,
      error_rate: null,
      message_hash: later.message_hash,
      time: later.block_time ?? later.time,
      height: later.height,
    };
  if (!ended && now >= scheduleEnd)
    ended = {
      kind: 'promoted',
      by: null,
      reason: 'the schedule reached 100 %',
      requests: null,
      errors: null,
      error_rate: null,
      message_hash: null,
      time: scheduleEnd,
      height: null,
    };
  const until = ended ? Math.min(ended.time, now) : now;
  events.push({
    kind: 'started',
    time: bound.startedTime,
    height: bound.height,
    percent: plan.steps[0] ?? null,
    by: null,
    message_hash: bound.message_hash,
    summary: `edition ${bound.edition} started serving ${pct(plan.steps[0] ?? 100)} (edition ${bound.previous} the rest)`,
  });
  for (let k = 1; k < plan.steps.length; k++) {
    const at = bound.startedTime + k * plan.step_seconds;
    if (at > until) break;
    events.push({
      kind: 'step',
      time: at,
      height: null,
      percent: plan.steps[k] ?? null,
      by: null,
      message_hash: null,
      summary: `edition ${bound.edition} serves ${pct(plan.steps[k] ?? 100)}`,
    });
  }
  if (ended)
    events.push({
      kind: ended.kind,
      time: ended.time,
      height: ended.height,
      percent: ended.kind === 'aborted' ? 0 : 100,
      by: ended.by,
      message_hash: ended.message_hash,
      summary: endSummary(bound.edition, plan, ended),
    });
  return {
    ...base,
    status: ended ? ended.kind : 'active',
    edition: bound.edition,
    previous_edition: bound.previous,
    started_time: bound.startedTime,
    started_height: bound.height,
    percent: ended ? (ended.kind === 'aborted' ? 0 : 100) : rolloutPercentAt(plan, bound.startedTime, now),
    ended,
  };
}

/**
 * Every rollout of a program, oldest first, derived as of `now` (unix seconds: the node's clock for views, the
 * writer's block time when a message is judged). Step times come from the block time the writer assigned to the
 * edition's acceptance (DESIGN §4), never from a sender's clock.
 *
 * @example
 * const [latest] = (await rolloutsOf(db, id, Date.now() / 1000)).slice(-1);
 */
export async function rolloutsOf(db: Db, programId: string, now: number): Promise<RolloutView[]> {
  const rows = await db
    .selectFrom('program_rollouts')
    .leftJoin('messages', 'messages.item_hash', 'program_rollouts.message_hash')
    .selectAll('program_rollouts')
    .select('messages.block_height')
    .where('program_rollouts.program_id', '=', programId)
    .orderBy('program_rollouts.id')
    .execute();
  if (rows.length === 0) return [];
  const editions = await db
    .selectFrom('program_editions')
    .leftJoin('messages', 'messages.item_hash', 'program_editions.message_hash')
    .select([
      'program_editions.edition',
      'program_editions.checksum',
      'program_editions.height',
      'program_editions.message_hash',
      'program_editions.time',
      'messages.block_time',
      'messages.height as order',
    ])
    .where('program_editions.program_id', '=', programId)
    .orderBy('program_editions.edition')
    .execute();
  const bound = rows.map((r, i) => {
    const nextPlan = rows[i + 1];
    // Processing order decides which edition came after the plan: several messages may share one block height.
    const e = editions.find((x) => (x.order ?? x.height) > r.height);
    if (!e) return { e: null, status0: nextPlan ? ('void' as const) : ('planned' as const) };
    if ((nextPlan && nextPlan.height < (e.order ?? e.height)) || e.checksum !== r.checksum || e.edition === 0)
      return { e: null, status0: 'void' as const };
    return { e, status0: null };
  });
  // An aborted edition never stays in force: the one before it serves again, and the next edition follows that one.
  const aborted = new Set(
    rows.flatMap((r, i) => (r.ended_kind === 'aborted' && bound[i]?.e ? [bound[i].e.edition] : [])),
  );
  const inForceBefore = (n: number) =>
    editions.filter((x) => x.edition < n && !aborted.has(x.edition)).at(-1)?.edition ?? n - 1;
  return rows.map((r, i) => {
    const { e, status0 } = bound[i]!;
    if (!e) return viewOf(r, null, status0, null, now);
    const later = editions.find((x) => x.edition > e.edition) ?? null;
    return viewOf(
      r,
      { ...e, startedTime: e.block_time ?? e.time, previous: inForceBefore(e.edition) },
      null,
      later,
      now,
    );
  });
}

/** The latest rollout of a program (`rollout` in its view), or null. */
export async function latestRollout(db: Db, programId: string, now: number): Promise<RolloutView | null> {
  return (await rolloutsOf(db, programId, now)).at(-1) ?? null;
}

/** The editions a rollout aborted (a rollback may not target them). */
export async function abortedEditions(db: Db, programId: string): Promise<Set<number>> {
  const all = await rolloutsOf(db, programId, Number.MAX_SAFE_INTEGER);
  return new Set(all.flatMap((r) => (r.status === 'aborted' && r.edition !== null ? [r.edition] : [])));
}
