import { AlephError, isAlephError } from '../../errors.js';
import type { ValidMessage } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import { insertRefusal, ProgramRefusedError } from '../governance/refusals.js';
import type { ApplyContext, NodeEvent } from '../apply/applyContext.js';
import { applyMessage } from '../apply/applyMessage.js';
import type { WriterStatements } from '../store/hotStatements.js';
import { storeStatements } from '../store/openStore.js';
import type { Db } from '../store/queries.js';
import { recordRejection } from './recordMessage.js';

/** `verdicts`: whether programs recorded anything about the message (so its publication must show them). */
export interface Applied { height: number; verdicts: boolean }
interface Item { msg: ValidMessage; receptionTime: number; resolve(a: Applied): void; reject(e: unknown): void }

/**
 * The single writer: applies valid messages one at a time in arrival order (the node's processing order,
 * DESIGN §3), grouping whatever is queued into one transaction with a savepoint per message, so one commit
 * covers many messages and a rejected message rolls back only itself.
 */
export class ApplyQueue {
  private queue: Item[] = [];
  private running = false;
  private readonly stmts: WriterStatements;

  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    private readonly onCommitted: (applied: Array<{ msg: ValidMessage; height: number }>, events: NodeEvent[]) => void,
    private readonly maxBatch = 512,
  ) {
    this.stmts = storeStatements(db).writer;
  }

  enqueue(msg: ValidMessage, receptionTime: number): Promise<Applied> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, receptionTime, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) await this.applyBatch();
    } finally {
      this.running = false;
    }
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
    const applied: Array<{ msg: ValidMessage; height: number; resolve(a: Applied): void }> = [];
    const events: NodeEvent[] = [];
    const stmts = this.stmts;
    try {
      let height = stmts.height();
      while (this.queue.length && batch.length < this.maxBatch) {
        const taken = this.queue.splice(0, this.maxBatch - batch.length);
        batch.push(...taken);
        for (const item of taken) {
          stmts.savepoint();
          const ctx: ApplyContext = { db: trx, stmts, files: this.files, msg: item.msg, height: height + 1, events: [] };
          try {
            await applyMessage(ctx, item.receptionTime);
            stmts.release();
            height += 1;
            applied.push({ msg: item.msg, height, resolve: item.resolve });
            events.push(...ctx.events);
          } catch (e) {
            stmts.rollback();
            if (isAlephError(e)) {
              await recordRejection(trx, item.msg.envelope, e, item.receptionTime);
              // After the rollback, so the program's history keeps the refused attempt.
              if (e instanceof ProgramRefusedError) await insertRefusal(trx, e.refusal);
              settled.push(() => item.reject(e));
            } else {
              const err = new AlephError('INTERNAL_ERROR', `the node failed to apply the message: ${(e as Error).message}`, { status: 500, cause: e });
              settled.push(() => item.reject(err));
            }
          }
        }
        if (!this.queue.length && batch.length < this.maxBatch) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // Asked here, in the transaction, rather than by each publication after the commit: nothing else
      // writes in between, and most messages concern no program.
      for (const a of applied) {
        const verdicts = stmts.hasVerdicts(a.msg.envelope.item_hash);
        settled.push(() => a.resolve({ height: a.height, verdicts }));
      }
      stmts.setHeight(height);
      await trx.commit().execute();
    } catch (e) {
      await trx.rollback().execute().catch(() => undefined);
      for (const item of batch) item.reject(e);
      return;
    }
    for (const s of settled) s();
    this.onCommitted(applied, events);
  }
}
