import { AlephError, isAlephError } from '../../errors.js';
import type { ValidMessage } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import { applyDueUpgrades, nextDueHeight } from '../governance/pendingUpgrades.js';
import { insertRefusal, ProgramRefusedError } from '../governance/refusals.js';
import type { ApplyContext, NodeEvent } from '../apply/applyContext.js';
import { applyMessage, writesOnlyItsRow } from '../apply/applyMessage.js';
import type { WriterStatements } from '../store/hotStatements.js';
import type { MessagesTable } from '../store/tables.js';
import { storeStatements } from '../store/openStore.js';
import type { Db } from '../store/queries.js';
import type { BlockClock, BlockStamp } from './blockClock.js';
import { type GroupEntry, PlainGroup } from './plainGroup.js';
import { DEFAULT_REJECTED_CONTENT_CHARS, recordRejection } from './recordMessage.js';

/** `verdicts`: whether programs recorded anything about the message (so its publication must show them). */
export interface Applied {
  height: number;
  verdicts: boolean;
}
/** A message to apply, or (msg null) a wake-up to cut the blocks that elapsed: time-locked upgrades fall due with none. */
interface Item {
  msg: ValidMessage | null;
  receptionTime: number;
  resolve(a?: Applied): void;
  reject(e: unknown): void;
}

/**
 * The single writer: applies valid messages one at a time in arrival order (the node's processing order,
 * DESIGN §3), grouping whatever is queued into one transaction with a savepoint per message, so one commit
 * covers many messages and a rejected message rolls back only itself. It stamps each message with the
 * block clock's height and time (DESIGN §4) and, before the first message of a block, applies the
 * time-locked upgrades due by then; a timer (or a test clock's jump) wakes it when one falls due with
 * no traffic.
 */
export class ApplyQueue {
  private queue: Item[] = [];
  /** Set after a batch whose combined end failed: the next one runs statement by statement. */
  private careful = false;
  private running = false;
  private readonly stmts: WriterStatements;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    readonly blocks: BlockClock,
    private readonly onCommitted: (applied: Array<{ msg: ValidMessage; height: number }>, events: NodeEvent[]) => void,
    /** Characters kept per field of a refusal decided here (the same setting as the pipeline's). */
    private readonly maxRejectedChars = DEFAULT_REJECTED_CONTENT_CHARS,
    private readonly maxBatch = 512,
  ) {
    this.stmts = storeStatements(db).writer;
    blocks.onJump(() => this.catchUp());
    void this.catchUp();
  }

  enqueue(msg: ValidMessage, receptionTime: number): Promise<Applied> {
    return this.push(msg, receptionTime).then((a) => a!);
  }

  /** Applies whatever fell due by now (no message); settles once committed. */
  catchUp(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.push(null, 0).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Stops waking up (the node is closing); queued work still drains. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private push(msg: ValidMessage | null, receptionTime: number): Promise<Applied | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, receptionTime, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Sleeps until the earliest pending upgrade's block begins (re-checked at least every minute). */
  private async arm(): Promise<void> {
    if (this.stopped) return;
    const due = await nextDueHeight(this.db);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (due === null || this.stopped) return;
    this.timer = setTimeout(() => void this.catchUp(), Math.min(this.blocks.msUntil(due), 60_000));
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) await this.applyBatch();
    } finally {
      this.running = false;
    }
    await this.arm().catch(() => undefined);
  }

  /**
   * One transaction: applies what is queued, then yields to the event loop so messages whose validation
   * is finishing join the same commit (group commit: the commit's WAL writes are the costliest step of a
   * small batch), and commits once a turn brings nothing new, or at maxBatch.
   *
   * Where every statement is a round trip (PostgreSQL), the last group's rows ride on the batch's end and its
   * commit: one round trip instead of two; and the messages that join after the first turn are applied at once,
   * the end refusing to commit if another node had applied one of them (rare: two nodes given the same message
   * at once). Should the end fail either way, nothing of the batch stands: its messages go back
   * to the head of the queue, in order, for a run statement by statement (`careful`), where a group whose
   * write fails is replayed one by one and each message gets its own verdict.
   */
  private async applyBatch(): Promise<void> {
    const combined = this.stmts.roundTrips && !this.careful;
    this.careful = false;
    const trx = await this.db.startTransaction().execute();
    const batch: Item[] = [];
    const stmts = this.stmts.inTransaction(trx);
    const b: Batch = { trx, stmts, height: 0, applied: [], settled: [], events: [] };
    const group = new PlainGroup<Item & { msg: ValidMessage }>(stmts);
    try {
      let taken = this.queue.splice(0, this.maxBatch);
      batch.push(...taken);
      // A shared store: wait for the one order, then continue from what the last writer (any node) committed.
      const start = await stmts.beginBatch(hashesOf(taken));
      if (start.lastMs !== undefined) this.blocks.advanceTo(start.lastMs);
      b.height = start.height;
      // The earliest effective height of a pending upgrade, read again after anything that may change it
      // (undefined: not known). Only a message applied alone may, and heights only grow within a batch, so
      // blocks without a due upgrade cost no query.
      let nextDue: number | null | undefined = start.nextDue;
      let appliedElsewhere = start.appliedElsewhere;
      // Combined: whether another node applied the messages that joined after the first turn is asked by the
      // batch's end, before its writes (the order lock is held since the start: the answer cannot change meanwhile).
      const joined: string[] = [];
      for (;;) {
        for (const item of taken) {
          const block = this.blocks.stamp();
          if (nextDue === undefined) nextDue = await stmts.nextDueHeight();
          if (nextDue !== null && nextDue <= block.height) {
            // Before the message: it must see every upgrade due at its block, on every node alike.
            await this.closeGroup(b, group);
            const dueEvents: NodeEvent[] = [];
            const scope = { db: trx, stmts, files: this.files, height: b.height, events: dueEvents };
            if (await applyDueUpgrades(scope, block.height, (h) => this.blocks.startOf(h))) b.events.push(...dueEvents);
            nextDue = undefined;
          }
          if (!item.msg) {
            b.settled.push(() => item.resolve());
            continue;
          }
          const appliedBefore = appliedElsewhere?.get(item.msg.envelope.item_hash);
          if (appliedBefore !== undefined) {
            // Another node applied the same message since this one's pipeline looked: it is decided once.
            b.settled.push(() => item.resolve({ height: appliedBefore, verdicts: true }));
            continue;
          }
          const one = item as Item & { msg: ValidMessage };
          if (writesOnlyItsRow(one.msg)) await this.applyInGroup(b, group, one, block);
          else {
            await this.closeGroup(b, group);
            await this.applyAlone(b, one, block);
            nextDue = undefined;
          }
        }
        if (!this.queue.length && batch.length < this.maxBatch)
          await new Promise<void>((resolve) => setImmediate(resolve));
        if (!this.queue.length || batch.length >= this.maxBatch) break;
        taken = this.queue.splice(0, this.maxBatch - batch.length);
        batch.push(...taken);
        if (combined) {
          joined.push(...hashesOf(taken));
          appliedElsewhere = undefined;
          continue;
        }
        const known = stmts.appliedHeights(hashesOf(taken));
        appliedElsewhere = known === undefined ? known : await known;
      }
      let rows: MessagesTable[] = [];
      if (combined) {
        const detached = await group.detach();
        rows = detached.rows;
        this.takeEntries(b, detached.entries);
      } else await this.closeGroup(b, group);
      const last = this.blocks.lastAssigned();
      // Verdicts asked here, in the transaction, rather than by each publication after the commit: nothing
      // else writes in between, and most messages concern no program. On PostgreSQL this statement commits
      // too: nothing between it and trx.commit() may fail.
      const withVerdicts = await stmts.finishBatch({
        rows,
        ...(joined.length ? { notAppliedElsewhere: joined } : {}),
        applied: b.applied.map((a) => a.msg.envelope.item_hash),
        meta: [
          ['height', String(b.height)],
          [last.key, last.value],
        ],
        ...(b.applied.length || b.events.length
          ? { announce: { from: b.height - b.applied.length, to: b.height, events: b.events } }
          : {}),
      });
      for (const a of b.applied) {
        const verdicts = withVerdicts.has(a.msg.envelope.item_hash);
        b.settled.push(() => a.resolve({ height: a.height, verdicts }));
      }
      await trx.commit().execute();
    } catch (e) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      if (combined) {
        this.queue.unshift(...batch);
        this.careful = true;
        return;
      }
      for (const item of batch) item.reject(e);
      return;
    }
    for (const s of b.settled) s();
    this.onCommitted(b.applied, b.events);
  }

  /** A message that writes only its row, in the open group (see PlainGroup); a store error replays the group. */
  private async applyInGroup(
    b: Batch,
    group: PlainGroup<Item & { msg: ValidMessage }>,
    item: Item & { msg: ValidMessage },
    block: BlockStamp,
  ): Promise<void> {
    const hash = item.msg.envelope.item_hash;
    if (!group.accepts(hash)) await this.closeGroup(b, group);
    await group.enter(hash, b.height);
    const ctx = this.contextOf(b, group.stmts, item.msg, block);
    try {
      try {
        await applyMessage(ctx, item.receptionTime);
      } catch (e) {
        if (!isAlephError(e) || e instanceof ProgramRefusedError) throw e;
        // A refusal before any write: only the refusal is recorded.
        await recordRejection(b.trx, item.msg.envelope, e, item.receptionTime, this.maxRejectedChars);
        group.entries.push({ item, block, refusal: e });
        return;
      }
      b.height += 1;
      group.entries.push({ item, block, height: b.height, events: ctx.events });
    } catch {
      group.entries.push({ item, block });
      await this.replay(b, group);
    }
  }

  /** Writes the group's rows and takes its outcomes into the batch; a store error replays the group instead. */
  private async closeGroup(b: Batch, group: PlainGroup<Item & { msg: ValidMessage }>): Promise<void> {
    if (group.isEmpty) return;
    let entries: Array<GroupEntry<Item & { msg: ValidMessage }>>;
    try {
      entries = await group.close();
    } catch {
      return this.replay(b, group);
    }
    this.takeEntries(b, entries);
  }

  /** A closed group's outcomes, into the batch: refusals to settle, applied messages and their events. */
  private takeEntries(b: Batch, entries: Array<GroupEntry<Item & { msg: ValidMessage }>>): void {
    for (const e of entries) {
      if (e.refusal) {
        const err = e.refusal;
        b.settled.push(() => e.item.reject(err));
      } else {
        b.applied.push({ msg: e.item.msg, height: e.height!, resolve: e.item.resolve });
        b.events.push(...(e.events ?? []));
      }
    }
  }

  /** Undoes the group and applies its messages again one by one, at the same heights and blocks. */
  private async replay(b: Batch, group: PlainGroup<Item & { msg: ValidMessage }>): Promise<void> {
    const startHeight = group.startHeight;
    const entries = await group.abandon();
    b.height = startHeight;
    for (const e of entries) await this.applyAlone(b, e.item, e.block);
  }

  private contextOf(b: Batch, stmts: WriterStatements, msg: ValidMessage, block: BlockStamp): ApplyContext {
    return { db: b.trx, stmts, files: this.files, msg, height: b.height + 1, block, events: [] };
  }

  /** A message under its own savepoint: a refusal rolls back only what it wrote. */
  private async applyAlone(b: Batch, item: Item & { msg: ValidMessage }, block: BlockStamp): Promise<void> {
    await b.stmts.savepoint();
    const ctx = this.contextOf(b, b.stmts, item.msg, block);
    try {
      await applyMessage(ctx, item.receptionTime);
      await b.stmts.release();
      b.height += 1;
      b.applied.push({ msg: item.msg, height: b.height, resolve: item.resolve });
      b.events.push(...ctx.events);
    } catch (e) {
      await b.stmts.rollback();
      if (isAlephError(e)) {
        await recordRejection(b.trx, ctx.msg.envelope, e, item.receptionTime, this.maxRejectedChars);
        // After the rollback, so the program's history keeps the refused attempt.
        if (e instanceof ProgramRefusedError) await insertRefusal(b.trx, e.refusal);
        b.settled.push(() => item.reject(e));
      } else {
        const err = new AlephError('INTERNAL_ERROR', `the node failed to apply the message: ${(e as Error).message}`, {
          cause: e,
        });
        b.settled.push(() => item.reject(err));
      }
    }
  }
}

const hashesOf = (items: Item[]) => items.flatMap((t) => (t.msg ? [t.msg.envelope.item_hash] : []));

/** What one batch has done so far: the height it reached and what to settle once it commits. */
interface Batch {
  trx: Db;
  stmts: WriterStatements;
  height: number;
  applied: Array<{ msg: ValidMessage; height: number; resolve(a?: Applied): void }>;
  settled: Array<() => void>;
  events: NodeEvent[];
}
