import { AlephError, isAlephError } from '../../errors.js';
import type { ValidMessage } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import { insertRefusal, ProgramRefusedError } from '../governance/refusals.js';
import type { ApplyContext, NodeEvent } from '../apply/applyContext.js';
import { applyMessage } from '../apply/applyMessage.js';
import { getHeight, setMeta, type Db } from '../store/queries.js';
import { recordRejection } from './recordMessage.js';

export interface Applied { height: number }
interface Item { msg: ValidMessage; receptionTime: number; resolve(a: Applied): void; reject(e: unknown): void }

/**
 * The single writer: applies valid messages one at a time in arrival order (the node's processing order,
 * DESIGN §3), grouping whatever is queued into one transaction with a savepoint per message, so one commit
 * covers many messages and a rejected message rolls back only itself.
 */
export class ApplyQueue {
  private queue: Item[] = [];
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    private readonly onCommitted: (applied: Array<{ msg: ValidMessage; height: number }>, events: NodeEvent[]) => void,
    private readonly maxBatch = 512,
  ) {}

  enqueue(msg: ValidMessage, receptionTime: number): Promise<Applied> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, receptionTime, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.applyBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async applyBatch(batch: Item[]): Promise<void> {
    const trx = await this.db.startTransaction().execute();
    const settled: Array<() => void> = [];
    const applied: Array<{ msg: ValidMessage; height: number }> = [];
    const events: NodeEvent[] = [];
    try {
      let height = await getHeight(trx);
      for (const [i, item] of batch.entries()) {
        const sp = await trx.savepoint(`m${i}`).execute();
        const ctx: ApplyContext = { db: sp, files: this.files, msg: item.msg, height: height + 1, events: [] };
        try {
          await applyMessage(ctx, item.receptionTime);
          await sp.releaseSavepoint(`m${i}`).execute();
          height += 1;
          applied.push({ msg: item.msg, height });
          events.push(...ctx.events);
          const h = height;
          settled.push(() => item.resolve({ height: h }));
        } catch (e) {
          await sp.rollbackToSavepoint(`m${i}`).execute();
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
      await setMeta(trx, 'height', String(height));
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
