import type { AlephError } from '../../errors.js';
import type { NodeEvent } from '../apply/applyContext.js';
import type { WriterStatements } from '../store/hotStatements.js';
import type { MessagesTable } from '../store/tables.js';
import type { BlockStamp } from './blockClock.js';

/** One message applied in a group: its height when accepted, or the refusal already recorded for it. */
export interface GroupEntry<T> {
  item: T;
  block: BlockStamp;
  height?: number;
  events?: NodeEvent[];
  refusal?: AlephError;
}

/** Bounds on what one group buffers: one statement carries its rows (messages may be 2 MiB each). */
const MAX_ROWS = 512;
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * A run of consecutive messages that each write only their own `messages` row (writesOnlyItsRow), applied
 * under ONE savepoint instead of one each: their rows are buffered and written by one statement when the
 * group closes, and the security aggregates they read are read once for the group (nothing in it writes
 * one). On PostgreSQL that removes the savepoint, the upsert and the repeated reads from each message's
 * round trips.
 *
 * A refusal in the group has written nothing to undo. Anything worse (a store error, which on PostgreSQL
 * aborts the transaction) rolls back to the group's savepoint and the writer replays the entries one by one,
 * each under its own savepoint, as if the group had never been tried: a failing message never poisons the
 * others, and the verdicts are those the one-by-one path gives.
 */
export class PlainGroup<T> {
  entries: Array<GroupEntry<T>> = [];
  /** The batch's height before the group's first message. */
  startHeight = 0;
  private rows: MessagesTable[] = [];
  private hashes = new Set<string>();
  private bytes = 0;
  private open = false;
  private readonly aggregates = new Map<string, string | undefined>();
  /** The writer's statements as the group's messages see them: aggregates read once, rows buffered. */
  readonly stmts: WriterStatements;

  constructor(private readonly base: WriterStatements) {
    this.stmts = {
      ...base,
      aggregateContent: async (address, key) => {
        const k = `${address}\u0000${key}`;
        if (this.aggregates.has(k)) return this.aggregates.get(k);
        const v = await base.aggregateContent(address, key);
        this.aggregates.set(k, v);
        return v;
      },
      upsertMessage: (row) => {
        this.rows.push(row);
        this.bytes += (row.item_content?.length ?? 0) + (row.content?.length ?? 0);
      },
    };
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Whether a message of this hash may join: one statement may not upsert a row twice, and a group is bounded. */
  accepts(hash: string): boolean {
    return !this.hashes.has(hash) && this.entries.length < MAX_ROWS && this.bytes < MAX_BYTES;
  }

  /** Opens the group's savepoint before its first message, at the batch's height `height`. */
  async enter(hash: string, height: number): Promise<void> {
    if (!this.open) {
      await this.base.savepoint();
      this.open = true;
      this.startHeight = height;
    }
    this.hashes.add(hash);
  }

  /** Writes the buffered rows and releases the savepoint; the entries are handed back, the group is empty again. */
  async close(): Promise<Array<GroupEntry<T>>> {
    if (this.open && this.rows.length) await this.base.upsertMessages(this.rows);
    return (await this.detach()).entries;
  }

  /**
   * Releases the savepoint without writing the rows, and hands back both: the caller writes the rows with the
   * batch's end (one round trip), and retries the whole batch if that fails, as nothing is left to roll back to.
   */
  async detach(): Promise<{ rows: MessagesTable[]; entries: Array<GroupEntry<T>> }> {
    if (!this.open) return { rows: [], entries: [] };
    const rows = this.rows;
    await this.base.release();
    return { rows, entries: this.reset() };
  }

  /** Undoes everything the group did (to its savepoint); hands back its entries to be replayed one by one. */
  async abandon(): Promise<Array<GroupEntry<T>>> {
    if (!this.open) return [];
    await this.base.rollback();
    return this.reset();
  }

  private reset(): Array<GroupEntry<T>> {
    const entries = this.entries;
    this.entries = [];
    this.rows = [];
    this.hashes.clear();
    this.bytes = 0;
    this.open = false;
    this.aggregates.clear();
    return entries;
  }
}
