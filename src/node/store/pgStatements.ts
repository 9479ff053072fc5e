import { CompiledQuery } from 'kysely';
import type { ReaderStatements, WriterStatements } from './hotStatements.js';
import { MESSAGE_COLUMNS, messageParams } from './hotStatements.js';
import type { Db } from './queries.js';
import { sqlText, sqlTextArray, sqlValue } from './sqlLiterals.js';
import { announcements, COMMITS_CHANNEL } from './pgCommits.js';
import type { MessagesTable, ProgramEditionsTable, ProgramPendingTable, ProgramRefusalsTable } from './tables.js';

/**
 * The one order of every writer on a PostgreSQL store: each apply batch takes this transaction-scoped
 * advisory lock first, so batches of different nodes never interleave and each reads the height and time
 * the previous one committed. (Any constant: it only has to be the same for every node; "aleph" in ASCII.)
 */
export const ORDER_LOCK_KEY = 0x616c657068;

const ON_CONFLICT = `on conflict (item_hash) do update set ${MESSAGE_COLUMNS.slice(1)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/** `insert into messages … values (…), (…) on conflict …`, the rows' values in its text (a simple query). */
function upsertText(rows: readonly MessagesTable[]): string {
  const tuples = rows.map((r) => `(${messageParams(r).map(sqlValue).join(', ')})`);
  return `insert into messages (${MESSAGE_COLUMNS.join(', ')}) values ${tuples.join(', ')} ${ON_CONFLICT}`;
}

/** What appliedHeights asks of these hashes, after `select`. */
const appliedHeightsOf = (hashes: readonly string[]) =>
  `from messages where item_hash = any(${sqlTextArray(hashes)}) and status in ('processed', 'forgotten')`;

/**
 * The batch's order lock, then its time, height, earliest due upgrade and the appliedHeights of its first
 * messages in one row: two statements in one round trip (the second's snapshot is taken after the lock, so it
 * sees what the previous holder committed).
 */
const batchStart = (hashes: readonly string[]) =>
  `select pg_advisory_xact_lock(${ORDER_LOCK_KEY}); ` +
  `select (select value from meta where key = 'block_time_ms') as t, (select value from meta where key = 'height') as h, ` +
  `(select min(effective_height) from program_pending where status = 'pending') as d, ` +
  `(select json_agg(json_build_array(item_hash, height)) ${appliedHeightsOf(hashes)}) as k`;

/**
 * The end of a batch and its commit, in one round trip: the meta upsert (a data-modifying CTE always runs),
 * one NOTIFY per announcement (its CTE is read by the last branch, so it runs; PostgreSQL sends them on
 * commit), the applied messages that program verdicts name, then `commit`.
 */
function batchEnd(
  applied: readonly string[],
  notes: readonly string[],
  meta: ReadonlyArray<readonly [string, string]>,
): string {
  const values = meta.map(([k, v]) => `(${sqlText(k)}, ${sqlText(v)})`).join(', ');
  const setMeta = meta.length
    ? `meta_set as (insert into meta (key, value) values ${values} on conflict (key) do update set value = excluded.value), `
    : '';
  const hashes = sqlTextArray(applied);
  return (
    `with ${setMeta}announced as (select pg_notify(${sqlText(COMMITS_CHANNEL)}, p) from unnest(${sqlTextArray(notes)}) as p) ` +
    `select message_hash as h from program_editions where message_hash = any(${hashes}) union ` +
    `select message_hash from program_pending where message_hash = any(${hashes}) union ` +
    `select message_hash from program_refusals where message_hash = any(${hashes}) ` +
    'union all select null from announced; commit'
  );
}

/**
 * Raises (so the rest of the message, its commit included, is skipped and the transaction aborted) if another
 * writer applied any of these messages. A DO block, as a plain statement cannot fail on a condition; its body is
 * one more escaped literal (not a dollar-quote, which a text holding the tag would close).
 */
export const notAppliedElsewhere = (hashes: readonly string[]) =>
  `do ${sqlText(`begin if exists (select 1 ${appliedHeightsOf(hashes)}) then raise exception 'STORE_APPLIED_ELSEWHERE'; end if; end`)}`;

/** Rows per upsert statement (a group holds at most 512 rows and 4 MiB of content: one statement as a rule). */
const UPSERT_CHUNK = 500;

/** The upsert statements of rows of distinct item_hash, UPSERT_CHUNK rows each. */
function upsertTexts(all: readonly MessagesTable[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < all.length; i += UPSERT_CHUNK) out.push(upsertText(all.slice(i, i + UPSERT_CHUNK)));
  return out;
}

async function rows<R>(db: Db, text: string, params: unknown[] = []): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
}

async function run(db: Db, text: string, params: unknown[] = []): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(text, params));
}

/** The writer's statements on PostgreSQL: raw SQL on the batch's transaction (Kysely compiles nothing). */
export function pgWriterStatements(db: Db, node: string): WriterStatements {
  // Every statement is a round trip on which the writer waits its event-loop turn. The pool (coalescingPool)
  // holds back the transaction's begin and the savepoints, and sends them in front of the next simple query;
  // the hot statements are simple queries for that reason, their values escaped into the text (sqlLiterals).
  // A batch of plain messages is two round trips (begin + lock + start; the group's savepoint, its rows'
  // upsert, the end and the commit), whatever joins it after its first turn: the end checks those (ApplyQueue).
  return {
    roundTrips: true,
    inTransaction: (trx) => pgWriterStatements(trx, node),
    beginBatch: async (hashes) => {
      const [r] = await rows<{
        t: string | null;
        h: string | null;
        d: number | null;
        k: Array<[string, number | null]> | null;
      }>(db, batchStart(hashes));
      return {
        lastMs: r?.t == null ? undefined : Number(r.t),
        height: Number(r?.h ?? 0),
        nextDue: r?.d ?? null,
        appliedElsewhere: r?.k?.length ? new Map(r.k.map(([hash, height]) => [hash, height ?? 0])) : undefined,
      };
    },
    finishBatch: async (end) => {
      const notes = end.announce ? announcements(node, end.announce.from, end.announce.to, end.announce.events) : [];
      const statements = [
        ...(end.notAppliedElsewhere?.length ? [notAppliedElsewhere(end.notAppliedElsewhere)] : []),
        ...upsertTexts(end.rows ?? []),
        batchEnd(end.applied, notes, end.meta),
      ];
      const found = await rows<{ h: string | null }>(db, statements.join('; '));
      return new Set(found.flatMap((r) => (r.h === null ? [] : [r.h])));
    },
    appliedHeights: async (hashes) => {
      if (hashes.length === 0) return undefined;
      const found = await rows<{ item_hash: string; height: number | null }>(
        db,
        `select item_hash, height ${appliedHeightsOf(hashes)}`,
      );
      return found.length ? new Map(found.map((r) => [r.item_hash, r.height ?? 0])) : undefined;
    },
    // Held by the pool and sent with the next statement (a release with the next savepoint, or the commit).
    savepoint: () => run(db, 'savepoint apply_message'),
    release: () => run(db, 'release savepoint apply_message'),
    rollback: () => run(db, 'rollback to savepoint apply_message; release savepoint apply_message'),
    aggregateContent: async (address, key) => {
      const [r] = await rows<{ content: string }>(
        db,
        `select content from aggregates where address = ${sqlText(address)} and key = ${sqlText(key)}`,
      );
      return r?.content;
    },
    upsertMessage: (r: MessagesTable) => run(db, upsertText([r])),
    upsertMessages: async (all) => {
      for (const text of upsertTexts(all)) await run(db, text);
    },
    anyDueUpgrade: async (h) =>
      (await rows(db, `select 1 from program_pending where status = 'pending' and effective_height <= $1 limit 1`, [h]))
        .length > 0,
    nextDueHeight: async () => {
      const [r] = await rows<{ h: number | null }>(
        db,
        `select min(effective_height) as h from program_pending where status = 'pending'`,
      );
      return r?.h ?? null;
    },
    hasVerdicts: async (hash) => {
      const [r] = await rows<{ v: boolean }>(
        db,
        'select exists (select 1 from program_editions where message_hash = $1) or exists (select 1 from program_pending where message_hash = $1) ' +
          'or exists (select 1 from program_refusals where message_hash = $1) as v',
        [hash],
      );
      return r?.v === true;
    },
  };
}

/** Hashes per status query at most. */
const STATUS_BATCH = 512;

type Status = Pick<MessagesTable, 'status' | 'height'>;

/**
 * The status lookups asked in one event-loop turn (every submitted message asks one) as one query: under load
 * a query per message costs the node and the server more than the rest of its ingestion. Each caller still
 * reads committed state, from a snapshot taken after it asked.
 */
function statusLoader(db: Db): (hash: string) => Promise<Status | undefined> {
  let waiting: Map<string, Array<{ resolve(s: Status | undefined): void; reject(e: unknown): void }>> | null = null;
  const flush = async (asked: NonNullable<typeof waiting>) => {
    try {
      const found = await rows<Status & { item_hash: string }>(
        db,
        'select item_hash, status, height from messages where item_hash = any($1)',
        [[...asked.keys()]],
      );
      const byHash = new Map(found.map((r) => [r.item_hash, { status: r.status, height: r.height }]));
      for (const [h, callers] of asked) for (const c of callers) c.resolve(byHash.get(h));
    } catch (e) {
      for (const callers of asked.values()) for (const c of callers) c.reject(e);
    }
  };
  return (hash) =>
    new Promise((resolve, reject) => {
      if (!waiting || waiting.size >= STATUS_BATCH) {
        const asked = new Map<string, Array<{ resolve(s: Status | undefined): void; reject(e: unknown): void }>>();
        waiting = asked;
        setImmediate(() => {
          if (waiting === asked) waiting = null;
          void flush(asked);
        });
      }
      const callers = waiting.get(hash);
      if (callers) callers.push({ resolve, reject });
      else waiting.set(hash, [{ resolve, reject }]);
    });
}

/** Committed reads on the pool (any connection: none is inside the writer's transaction). */
export function pgReaderStatements(db: Db): ReaderStatements {
  return {
    messageStatus: statusLoader(db),
    editionsOf: (h) =>
      rows<ProgramEditionsTable>(
        db,
        'select * from program_editions where message_hash = $1 order by program_id, edition',
        [h],
      ),
    pendingOf: (h) =>
      rows<ProgramPendingTable & { id: number }>(
        db,
        'select * from program_pending where message_hash = $1 order by id',
        [h],
      ),
    refusalsOf: (h) =>
      rows<ProgramRefusalsTable & { id: number }>(
        db,
        'select * from program_refusals where message_hash = $1 order by id',
        [h],
      ),
  };
}
