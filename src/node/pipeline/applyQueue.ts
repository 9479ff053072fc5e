import { AlephError, isAlephError } from '../../errors.js';
import type { ValidMessage } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import { applyDueUpgrades, nextDueHeight } from '../governance/pendingUpgrades.js';
import { insertRefusal, ProgramRefusedError } from '../governance/refusals.js';
import type { ApplyContext, NodeEvent } from '../apply/applyContext.js';
import { applyMessage } from '../apply/applyMessage.js';
import type { WriterStatements } from '../store/hotStatements.js';
import { storeStatements } from '../store/openStore.js';
import type { Db } from '../store/queries.js';
import type { BlockClock } from './blockClock.js';
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
   */
  private async applyBatch(): Promise<void> {
    const trx = await this.db.startTransaction().execute();
    const batch: Item[] = [];
    const settled: Array<() => void> = [];
    const applied: Array<{ msg: ValidMessage; height: number; resolve(a?: Applied): void }> = [];
    const events: NodeEvent[] = [];
    const stmts = this.stmts.inTransaction(trx);
    try {
      // A shared store: wait for the one order, then continue from what the last writer (any node) committed.
      const lastMs = await stmts.beginBatch();
      if (lastMs !== undefined) this.blocks.advanceTo(lastMs);
      let height = await stmts.height();
      while (this.queue.length && batch.length < this.maxBatch) {
        const taken = this.queue.splice(0, this.maxBatch - batch.length);
        batch.push(...taken);
        const known = stmts.appliedHeights(taken.flatMap((t) => (t.msg ? [t.msg.envelope.item_hash] : [])));
        const appliedElsewhere = known === undefined ? known : await known;
        for (const item of taken) {
          const block = this.blocks.stamp();
          // Before the message: it must see every upgrade due at its block, on every node alike.
          const dueEvents: NodeEvent[] = [];
          if (
            await applyDueUpgrades(
              { db: trx, stmts, files: this.files, height, events: dueEvents },
              block.height,
              (h) => this.blocks.startOf(h),
            )
          )
            events.push(...dueEvents);
          if (!item.msg) {
            settled.push(() => item.resolve());
            continue;
          }
          const appliedBefore = appliedElsewhere?.get(item.msg.envelope.item_hash);
          if (appliedBefore !== undefined) {
            // Another node applied the same message since this one's pipeline looked: it is decided once.
            settled.push(() => item.resolve({ height: appliedBefore, verdicts: true }));
            continue;
          }
          await stmts.savepoint();
          const ctx: ApplyContext = {
            db: trx,
            stmts,
            files: this.files,
            msg: item.msg,
            height: height + 1,
            block,
            events: [],
          };
          try {
            await applyMessage(ctx, item.receptionTime);
            await stmts.release();
            height += 1;
            applied.push({ msg: item.msg, height, resolve: item.resolve });
            events.push(...ctx.events);
          } catch (e) {
            await stmts.rollback();
            if (isAlephError(e)) {
              await recordRejection(trx, ctx.msg.envelope, e, item.receptionTime, this.maxRejectedChars);
              // After the rollback, so the program's history keeps the refused attempt.
              if (e instanceof ProgramRefusedError) await insertRefusal(trx, e.refusal);
              settled.push(() => item.reject(e));
            } else {
              const err = new AlephError(
                'INTERNAL_ERROR',
                `the node failed to apply the message: ${(e as Error).message}`,
                { cause: e },
              );
              settled.push(() => item.reject(err));
            }
          }
        }
        if (!this.queue.length && batch.length < this.maxBatch)
          await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // Asked here, in the transaction, rather than by each publication after the commit: nothing else
      // writes in between, and most messages concern no program.
      const withVerdicts = await stmts.withVerdicts(applied.map((a) => a.msg.envelope.item_hash));
      for (const a of applied) {
        const verdicts = withVerdicts.has(a.msg.envelope.item_hash);
        settled.push(() => a.resolve({ height: a.height, verdicts }));
      }
      await stmts.setHeight(height);
      if (applied.length || events.length) await stmts.announce(height - applied.length, height, events);
      const last = this.blocks.lastAssigned();
      await stmts.setMeta(last.key, last.value);
      await trx.commit().execute();
    } catch (e) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const item of batch) item.reject(e);
      return;
    }
    for (const s of settled) s();
    this.onCommitted(applied, events);
  }
}
