import { CompiledQuery } from 'kysely';
import type { ReaderStatements, WriterStatements } from './hotStatements.js';
import { MESSAGE_COLUMNS, messageParams } from './hotStatements.js';
import type { Db } from './queries.js';
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

/** `insert into messages … values (…), (…) on conflict …` for `n` rows, numbered from $1. */
function upsertText(n: number): string {
  const width = MESSAGE_COLUMNS.length;
  const tuples = Array.from(
    { length: n },
    (_, r) => `(${MESSAGE_COLUMNS.map((_c, i) => `$${r * width + i + 1}`).join(', ')})`,
  );
  return `insert into messages (${MESSAGE_COLUMNS.join(', ')}) values ${tuples.join(', ')} ${ON_CONFLICT}`;
}

const UPSERT = upsertText(1);

const APPLIED_HEIGHTS = `from messages where item_hash = any($1) and status in ('processed', 'forgotten')`;

/** The batch's time, height, earliest due upgrade and appliedHeights of its first messages ($1), in one row. */
const BATCH_START =
  `select (select value from meta where key = 'block_time_ms') as t, (select value from meta where key = 'height') as h, ` +
  `(select min(effective_height) from program_pending where status = 'pending') as d, ` +
  `(select json_agg(json_build_array(item_hash, height)) ${APPLIED_HEIGHTS}) as k`;

/**
 * The end of a batch in one statement: the meta upsert (a data-modifying CTE always runs), one NOTIFY per
 * announcement (its CTE is read by the last branch, so it runs; PostgreSQL sends them on commit) and the
 * applied messages ($1) that program verdicts name. $2: the announcements, $3: the channel, then the meta pairs.
 */
function batchEnd(metas: number): string {
  const values = Array.from({ length: metas }, (_, i) => `($${2 * i + 4}, $${2 * i + 5})`).join(', ');
  const setMeta = metas
    ? `meta_set as (insert into meta (key, value) values ${values} on conflict (key) do update set value = excluded.value), `
    : '';
  return (
    `with ${setMeta}announced as (select pg_notify($3, p) from unnest($2::text[]) as p) ` +
    'select message_hash as h from program_editions where message_hash = any($1) union ' +
    'select message_hash from program_pending where message_hash = any($1) union ' +
    'select message_hash from program_refusals where message_hash = any($1) ' +
    'union all select null from announced'
  );
}

/** Rows per multi-row upsert: 23 parameters a row, far under PostgreSQL's 65,535 per statement. */
const UPSERT_CHUNK = 500;

async function rows<R>(db: Db, text: string, params: unknown[] = []): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(text, params))).rows;
}

async function run(db: Db, text: string, params: unknown[] = []): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(text, params));
}

/** The writer's statements on PostgreSQL: raw SQL on the batch's transaction (Kysely compiles nothing). */
export function pgWriterStatements(db: Db, node: string): WriterStatements {
  // Every statement is a round trip on which the writer waits its event-loop turn: a message's release is sent
  // with the next savepoint (one simple query of two statements). What runs between them runs inside the
  // released savepoint, which then folds into the transaction: the same outcome.
  // (A release still pending at the commit needs no statement: the commit covers the savepoint too.)
  let releasePending = false;
  return {
    inTransaction: (trx) => pgWriterStatements(trx, node),
    beginBatch: async (hashes) => {
      await run(db, `select pg_advisory_xact_lock(${ORDER_LOCK_KEY})`);
      // A statement of its own after the lock: its snapshot then sees what the previous holder committed.
      const [r] = await rows<{
        t: string | null;
        h: string | null;
        d: number | null;
        k: Array<[string, number | null]> | null;
      }>(db, BATCH_START, [hashes]);
      return {
        lastMs: r?.t == null ? undefined : Number(r.t),
        height: Number(r?.h ?? 0),
        nextDue: r?.d ?? null,
        appliedElsewhere: r?.k?.length ? new Map(r.k.map(([hash, height]) => [hash, height ?? 0])) : undefined,
      };
    },
    finishBatch: async (end) => {
      const params: unknown[] = [
        end.applied,
        end.announce ? announcements(node, end.announce.from, end.announce.to, end.announce.events) : [],
        COMMITS_CHANNEL,
        ...end.meta.flat(),
      ];
      const found = await rows<{ h: string | null }>(db, batchEnd(end.meta.length), params);
      return new Set(found.flatMap((r) => (r.h === null ? [] : [r.h])));
    },
    appliedHeights: async (hashes) => {
      if (hashes.length === 0) return undefined;
      const found = await rows<{ item_hash: string; height: number | null }>(
        db,
        `select item_hash, height ${APPLIED_HEIGHTS}`,
        [hashes],
      );
      return found.length ? new Map(found.map((r) => [r.item_hash, r.height ?? 0])) : undefined;
    },
    savepoint: async () => {
      const release = releasePending ? 'release savepoint apply_message; ' : '';
      releasePending = false;
      await run(db, `${release}savepoint apply_message`);
    },
    release: () => {
      releasePending = true;
    },
    rollback: () => run(db, 'rollback to savepoint apply_message; release savepoint apply_message'),
    aggregateContent: async (address, key) => {
      const [r] = await rows<{ content: string }>(
        db,
        'select content from aggregates where address = $1 and key = $2',
        [address, key],
      );
      return r?.content;
    },
    upsertMessage: (r: MessagesTable) => run(db, UPSERT, messageParams(r)),
    upsertMessages: async (all) => {
      for (let i = 0; i < all.length; i += UPSERT_CHUNK) {
        const chunk = all.slice(i, i + UPSERT_CHUNK);
        await run(db, upsertText(chunk.length), chunk.flatMap(messageParams));
      }
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
