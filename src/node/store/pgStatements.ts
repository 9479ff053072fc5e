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

const UPSERT =
  `insert into messages (${MESSAGE_COLUMNS.join(', ')}) values (${MESSAGE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ` +
  `on conflict (item_hash) do update set ${MESSAGE_COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

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
  let releasePending = false;
  const flushRelease = async () => {
    if (!releasePending) return;
    releasePending = false;
    await run(db, 'release savepoint apply_message');
  };
  return {
    inTransaction: (trx) => pgWriterStatements(trx, node),
    announce: async (from, to, events) => {
      for (const payload of announcements(node, from, to, events))
        await run(db, 'select pg_notify($1, $2)', [COMMITS_CHANNEL, payload]);
    },
    beginBatch: async () => {
      await run(db, `select pg_advisory_xact_lock(${ORDER_LOCK_KEY})`);
      const [r] = await rows<{ value: string }>(db, `select value from meta where key = 'block_time_ms'`);
      return r ? Number(r.value) : undefined;
    },
    appliedHeights: async (hashes) => {
      if (hashes.length === 0) return undefined;
      const found = await rows<{ item_hash: string; height: number | null }>(
        db,
        `select item_hash, height from messages where item_hash = any($1) and status in ('processed', 'forgotten')`,
        [hashes],
      );
      return found.length ? new Map(found.map((r) => [r.item_hash, r.height ?? 0])) : undefined;
    },
    withVerdicts: async (hashes) => {
      if (hashes.length === 0) return new Set();
      const found = await rows<{ h: string }>(
        db,
        'select message_hash as h from program_editions where message_hash = any($1) union ' +
          'select message_hash from program_pending where message_hash = any($1) union ' +
          'select message_hash from program_refusals where message_hash = any($1)',
        [hashes],
      );
      return new Set(found.map((r) => r.h));
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
    height: async () => {
      const [r] = await rows<{ value: string }>(db, `select value from meta where key = 'height'`);
      return Number(r?.value ?? 0);
    },
    setHeight: async (h) => {
      await flushRelease();
      await run(
        db,
        `insert into meta (key, value) values ('height', $1) on conflict (key) do update set value = excluded.value`,
        [String(h)],
      );
    },
    setMeta: (k, v) =>
      run(db, `insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value`, [
        k,
        v,
      ]),
    aggregateContent: async (address, key) => {
      const [r] = await rows<{ content: string }>(
        db,
        'select content from aggregates where address = $1 and key = $2',
        [address, key],
      );
      return r?.content;
    },
    upsertMessage: (r: MessagesTable) => run(db, UPSERT, messageParams(r)),
    anyDueUpgrade: async (h) =>
      (await rows(db, `select 1 from program_pending where status = 'pending' and effective_height <= $1 limit 1`, [h]))
        .length > 0,
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

/** Committed reads on the pool (any connection: none is inside the writer's transaction). */
export function pgReaderStatements(db: Db): ReaderStatements {
  return {
    messageStatus: async (h) =>
      (
        await rows<Pick<MessagesTable, 'status' | 'height'>>(
          db,
          'select status, height from messages where item_hash = $1',
          [h],
        )
      )[0],
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
