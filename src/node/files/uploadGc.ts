import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../store/queries.js';
import type { Database } from '../store/tables.js';
import type { FileStore, StagedFile } from './fileStore.js';

/**
 * A file is in use while an accepted STORE names it, a pending message waits for it, or it holds the
 * content of a storage-type message (by its sha256, or by its CID for ipfs). Programs reach files only through STOREs, and a STORE a live program
 * uses cannot be forgotten, so these three cover every reader.
 */
function unused(eb: ExpressionBuilder<Database, 'files'>) {
  return eb.and([
    eb.not(
      eb.exists(eb.selectFrom('stores').select('stores.item_hash').whereRef('stores.file_hash', '=', 'files.hash')),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('messages')
          .select('messages.item_hash')
          .whereRef('messages.waiting_for', '=', 'files.hash')
          .where('messages.status', '=', 'pending'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('messages')
          .select('messages.item_hash')
          .whereRef('messages.item_hash', '=', 'files.hash')
          .where('messages.item_type', '!=', 'inline')
          .where('messages.status', 'in', ['processed', 'pending']),
      ),
    ),
    // The same two, for messages that name the file by its CID (ipfs): waiting for it, or holding their content.
    eb.not(
      eb.exists(
        eb
          .selectFrom('ipfs_cids')
          .innerJoin('messages', (j) =>
            j.on((m) =>
              m.or([
                m.and([m('messages.waiting_for', '=', m.ref('ipfs_cids.cid')), m('messages.status', '=', 'pending')]),
                m.and([
                  m('messages.item_hash', '=', m.ref('ipfs_cids.cid')),
                  m('messages.item_type', '=', 'ipfs'),
                  m('messages.status', 'in', ['processed', 'pending']),
                ]),
              ]),
            ),
          )
          .select('ipfs_cids.cid')
          .whereRef('ipfs_cids.file_hash', '=', 'files.hash'),
      ),
    ),
  ]);
}

/**
 * Moves an accepted upload into the store and (re)starts its grace period: bytes uploaded again before
 * their STORE arrives are kept another full period.
 */
export async function commitUpload(
  db: Db,
  files: FileStore,
  staged: StagedFile,
  now = Date.now() / 1000,
): Promise<boolean> {
  return files.exclusive(staged.hash, async () => {
    await db
      .insertInto('files')
      .values({ hash: staged.hash, size: staged.size, created: now })
      .onConflict((oc) => oc.column('hash').doUpdateSet({ created: now }))
      .execute();
    return files.commit(staged);
  });
}

/** Deletes a file this request brought, if nothing uses it (its STORE was refused). */
export async function removeIfUnused(db: Db, files: FileStore, hash: string): Promise<boolean> {
  return files.exclusive(hash, async () => {
    const r = await db.deleteFrom('files').where('hash', '=', hash).where(unused).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await files.remove(hash);
    return true;
  });
}

export interface UploadGcOptions {
  /** An upload no STORE names is deleted once it is this old (pyaleph: `storage.grace_period`, 24 h). */
  graceSeconds: number;
  /** How often the collector runs. */
  intervalSeconds: number;
  /** Staging files untouched this long belong to no live upload. */
  staleStagedSeconds?: number;
  /** A pending message (waiting for its file) received this long ago is dropped: the file never came. */
  pendingExpirySeconds?: number;
  /** Unix seconds; injectable so tests need not wait. */
  now?: () => number;
}

/** At most this many files per run, so one run never holds the store for long. */
const BATCH = 500;

/**
 * Collects uploads that nothing came to use within the grace period, as pyaleph's garbage collector does
 * for files whose grace-period pin expired, and staging files left by killed uploads.
 */
export class UploadGc {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string[]> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    private readonly opts: UploadGcOptions,
  ) {
    this.now = opts.now ?? (() => Date.now() / 1000);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), this.opts.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One collection; answers the hashes deleted. Runs do not overlap. */
  runOnce(): Promise<string[]> {
    this.running ??= this.collect().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async collect(): Promise<string[]> {
    // First, so that the files they waited for are collected in the same run.
    if (this.opts.pendingExpirySeconds !== undefined) {
      await this.db
        .deleteFrom('messages')
        .where('status', '=', 'pending')
        .where('reception_time', '<', this.now() - this.opts.pendingExpirySeconds)
        .execute();
    }
    const cutoff = this.now() - this.opts.graceSeconds;
    const removed: string[] = [];
    const candidates = await this.db
      .selectFrom('files')
      .select('hash')
      .where('created', '<', cutoff)
      .where(unused)
      .limit(BATCH)
      .execute();
    for (const { hash } of candidates) {
      // Asked again under the hash's lock: a STORE or a fresh upload may have come since the select.
      const gone = await this.files.exclusive(hash, async () => {
        const r = await this.db
          .deleteFrom('files')
          .where('hash', '=', hash)
          .where('created', '<', cutoff)
          .where(unused)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) return false;
        await this.files.remove(hash);
        return true;
      });
      if (gone) removed.push(hash);
    }
    await this.files.sweepStaged((this.opts.staleStagedSeconds ?? 3600) * 1000, this.now() * 1000);
    return removed;
  }
}
