import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './queries.js';
import type { MessagesTable, ProgramEditionsTable, ProgramPendingTable, ProgramRefusalsTable } from './tables.js';

/** A value, or (PostgreSQL: every statement is a round trip) the promise of one; callers always await. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The statements every ingested message runs: on SQLite prepared once on the writer's connection (building
 * and compiling them through Kysely cost more than running them), on PostgreSQL plain queries on the batch's
 * transaction (store/pgStatements). Everything else stays on Kysely.
 *
 * Only the ordered writer may use these, and only inside its transaction (`inTransaction`); on SQLite it holds
 * Kysely's connection lock, so no other query can interleave.
 */
export interface WriterStatements {
  /**
   * Whether every statement is a round trip to a server (PostgreSQL), on which the writer waits its event-loop
   * turn: the writer then sends a batch's last rows with its end and commit (ApplyQueue).
   */
  readonly roundTrips: boolean;
  /** These statements on the writer's open transaction (SQLite: the same ones, it has one connection). */
  inTransaction(trx: Db): WriterStatements;
  /**
   * Takes the store's one order, first in each batch, and reads where the last batch (of any writer) left
   * the store, with the appliedHeights of the batch's first messages.
   */
  beginBatch(hashes: string[]): Awaitable<BatchStart>;
  /**
   * The heights of those messages another writer applied since the pipeline looked (several nodes on one
   * store), in one query; undefined when none (always on SQLite: one writer, the pipeline's own checks have answered).
   */
  appliedHeights(hashes: string[]): Awaitable<Map<string, number> | undefined>;
  /** One savepoint per message: a rejected message rolls back only itself. */
  savepoint(): Awaitable<void>;
  release(): Awaitable<void>;
  /** Rolls back to the savepoint and drops it. */
  rollback(): Awaitable<void>;
  /** Raw JSON content of an aggregate, or undefined. */
  aggregateContent(address: string, key: string): Awaitable<string | undefined>;
  /** Inserts (or overwrites) a message row by item_hash. */
  upsertMessage(row: MessagesTable): Awaitable<void>;
  /**
   * {@link upsertMessage} for rows of distinct item_hash, in order: on PostgreSQL one multi-row statement per
   * chunk (a row may appear once per statement), on SQLite the prepared one per row.
   */
  upsertMessages(rows: readonly MessagesTable[]): Awaitable<void>;
  /** Whether a time-locked upgrade is pending with an effective height at or below `height`. */
  anyDueUpgrade(height: number): Awaitable<boolean>;
  /** The earliest effective height of a pending time-locked upgrade, or null when none is pending. */
  nextDueHeight(): Awaitable<number | null>;
  /** Whether any program edition, pending upgrade or refusal names this message (see messageVerdicts). */
  hasVerdicts(hash: string): Awaitable<boolean>;
  /**
   * Last in each batch: stores its meta values, tells the store's other writers on commit that it committed
   * heights (from, to] and these events (PostgreSQL: NOTIFY, store/pgCommits; nothing on SQLite, no other
   * node reads its file), and answers which of `applied` any program edition, pending upgrade or refusal
   * names. One statement on PostgreSQL, which also commits there (the commit rides on its round trip): the
   * caller commits the transaction next, with nothing that may fail in between. `end.rows` are upserted first,
   * in the same round trip (an error there fails the whole batch: the caller retries it statement by statement).
   */
  finishBatch(end: BatchEnd): Awaitable<Set<string>>;
}

/**
 * Where the previous batch left the store: its last assigned time (undefined when this process is the store's
 * only writer: SQLite, its clock knows), height, and earliest due upgrade.
 */
export interface BatchStart {
  lastMs: number | undefined;
  appliedElsewhere: Map<string, number> | undefined;
  height: number;
  nextDue: number | null;
}

export interface BatchEnd {
  /** Rows of distinct item_hash to upsert before the end (as upsertMessages), outside any savepoint. */
  rows?: readonly MessagesTable[];
  /**
   * Messages the batch applied without asking appliedHeights first: the end fails, before any of its writes
   * and without committing, if another writer applied one of them (STORE_APPLIED_ELSEWHERE).
   */
  notAppliedElsewhere?: readonly string[];
  /** The messages the batch applied. */
  applied: string[];
  meta: ReadonlyArray<readonly [key: string, value: string]>;
  /** Set when the batch has anything to announce: heights (from, to] and its events. */
  announce?: { from: number; to: number; events: readonly object[] };
}

/**
 * Reads of committed state (SQLite: a separate read-only connection; PostgreSQL: the pool): they never see
 * the writer's open transaction and never wait for it.
 */
export interface ReaderStatements {
  messageStatus(hash: string): Awaitable<Pick<MessagesTable, 'status' | 'height'> | undefined>;
  editionsOf(hash: string): Awaitable<ProgramEditionsTable[]>;
  pendingOf(hash: string): Awaitable<Array<ProgramPendingTable & { id: number }>>;
  refusalsOf(hash: string): Awaitable<Array<ProgramRefusalsTable & { id: number }>>;
}

/** Every column of `messages`, in the order the writer inserts them. */
export const MESSAGE_COLUMNS = [
  'item_hash',
  'type',
  'chain',
  'sender',
  'owner',
  'channel',
  'time',
  'item_type',
  'item_content',
  'signature',
  'content',
  'status',
  'error_code',
  'details',
  'reception_time',
  'height',
  'forgotten_by',
  'ref',
  'subtype',
  'size',
  'waiting_for',
  'block_height',
  'block_time',
] as const satisfies ReadonlyArray<keyof MessagesTable>;

export function writerStatements(db: BetterSqlite3.Database): WriterStatements {
  const savepoint = db.prepare('savepoint apply_message');
  const release = db.prepare('release apply_message');
  const rollbackTo = db.prepare('rollback to apply_message');
  const height = db.prepare(`select value from meta where key = 'height'`).pluck();
  const setMeta = db.prepare(
    `insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value`,
  );
  const aggregate = db.prepare('select content from aggregates where address = ? and key = ?').pluck();
  const upsert = db.prepare(
    `insert into messages (${MESSAGE_COLUMNS.join(', ')}) values (${MESSAGE_COLUMNS.map(() => '?').join(', ')}) ` +
      `on conflict (item_hash) do update set ${MESSAGE_COLUMNS.slice(1)
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}`,
  );
  const due = db
    .prepare(`select 1 from program_pending where status = 'pending' and effective_height <= ? limit 1`)
    .pluck();
  const nextDue = db.prepare(`select min(effective_height) from program_pending where status = 'pending'`).pluck();
  const verdicts = db
    .prepare(
      'select exists (select 1 from program_editions where message_hash = ?) or exists (select 1 from program_pending where message_hash = ?) ' +
        'or exists (select 1 from program_refusals where message_hash = ?)',
    )
    .pluck();
  const upsertRow = (r: MessagesTable) =>
    upsert.run(
      r.item_hash,
      r.type,
      r.chain,
      r.sender,
      r.owner,
      r.channel,
      r.time,
      r.item_type,
      r.item_content,
      r.signature,
      r.content,
      r.status,
      r.error_code,
      r.details,
      r.reception_time,
      r.height,
      r.forgotten_by,
      r.ref,
      r.subtype,
      r.size,
      r.waiting_for,
      r.block_height ?? null,
      r.block_time ?? null,
    );
  const stmts: WriterStatements = {
    roundTrips: false,
    inTransaction: () => stmts,
    beginBatch: () => ({
      lastMs: undefined,
      appliedElsewhere: undefined,
      height: Number(height.get() ?? 0),
      nextDue: (nextDue.get() as number | null | undefined) ?? null,
    }),
    appliedHeights: () => undefined,
    finishBatch: (end) => {
      for (const r of end.rows ?? []) upsertRow(r);
      for (const [k, v] of end.meta) setMeta.run(k, v);
      return new Set(end.applied.filter((h) => verdicts.get(h, h, h) === 1));
    },
    savepoint: () => void savepoint.run(),
    release: () => void release.run(),
    rollback: () => {
      rollbackTo.run();
      release.run();
    },
    aggregateContent: (address, key) => aggregate.get(address, key) as string | undefined,
    upsertMessage: (r) => void upsertRow(r),
    upsertMessages: (rows) => {
      for (const r of rows) upsertRow(r);
    },
    anyDueUpgrade: (h) => due.get(h) !== undefined,
    nextDueHeight: () => (nextDue.get() as number | null | undefined) ?? null,
    hasVerdicts: (hash) => verdicts.get(hash, hash, hash) === 1,
  };
  return stmts;
}

/** The writer's `messages` row as positional parameters, in {@link MESSAGE_COLUMNS} order. */
export function messageParams(r: MessagesTable): unknown[] {
  return MESSAGE_COLUMNS.map((c) => r[c] ?? null);
}

export function readerStatements(db: BetterSqlite3.Database): ReaderStatements {
  const status = db.prepare('select status, height from messages where item_hash = ?');
  const editions = db.prepare('select * from program_editions where message_hash = ? order by program_id, edition');
  const pending = db.prepare('select * from program_pending where message_hash = ? order by id');
  const refusals = db.prepare('select * from program_refusals where message_hash = ? order by id');
  return {
    messageStatus: (h) => status.get(h) as Pick<MessagesTable, 'status' | 'height'> | undefined,
    editionsOf: (h) => editions.all(h) as ProgramEditionsTable[],
    pendingOf: (h) => pending.all(h) as Array<ProgramPendingTable & { id: number }>,
    refusalsOf: (h) => refusals.all(h) as Array<ProgramRefusalsTable & { id: number }>,
  };
}
