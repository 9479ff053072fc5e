import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlephError } from '../../errors.js';
import type { SharedFiles } from './sharedFiles.js';

/** Bytes received and hashed but not yet in the store: {@link FileStore.commit} or {@link FileStore.discard} them. */
export interface StagedFile {
  hash: string;
  size: number;
  readonly tmp: string;
}

/** 413 for bytes past a cap; the hint says how to get a larger one, when there is a way. */
export function fileTooLarge(maxBytes: number, hint?: string): AlephError {
  return new AlephError('FILE_TOO_LARGE', `file is over the ${maxBytes} byte limit`, {
    details: { max_bytes: maxBytes },
    ...(hint ? { hint } : {}),
  });
}

/**
 * Files addressed by the sha256 of their bytes. Uploads are staged under tmp/ and renamed into place only
 * once accepted, so neither a crash nor a refused or oversized upload leaves bytes under a valid hash.
 * With `shared` (core nodes on one PostgreSQL) the files of record live there and this disk is a cache:
 * a commit writes through, and `has` brings in a file another node received.
 */
export class FileStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly root: string,
    private readonly shared?: SharedFiles,
  ) {}

  /**
   * Runs `work` alone for `hash` in this process: committing an upload and the collector's deletion of
   * the same hash must not interleave (the collector could unlink bytes an upload was just answered for).
   */
  exclusive<T>(hash: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(hash) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(hash, tail);
    void tail.then(() => {
      if (this.locks.get(hash) === tail) this.locks.delete(hash);
    });
    return run;
  }

  /** Creates the store, and drops staged files older than `staleAfterMs` (left by a crash or a killed upload). */
  async init(staleAfterMs = 60 * 60 * 1000): Promise<void> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    await this.sweepStaged(staleAfterMs);
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new AlephError('FILE_HASH_INVALID', `not a sha256 file hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash);
  }

  async has(hash: string): Promise<boolean> {
    try {
      await stat(this.pathOf(hash));
      return true;
    } catch {
      if (!this.shared) return false;
    }
    // Every reader asks `has` before it opens pathOf: this is where the cache fills.
    await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
    return this.shared.fetch(hash, this.pathOf(hash), join(this.root, 'tmp', randomBytes(12).toString('hex')));
  }

  /**
   * Streams `source` to a staging file, hashing as it goes. Past `maxBytes` (or if the source fails or
   * is cut off) the staging file is deleted and nothing remains.
   */
  async stage(source: Readable, maxBytes = Number.POSITIVE_INFINITY, tooLargeHint?: string): Promise<StagedFile> {
    const tmp = join(this.root, 'tmp', randomBytes(12).toString('hex'));
    const hasher = createHash('sha256');
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) source.destroy(fileTooLarge(maxBytes, tooLargeHint));
      else hasher.update(chunk);
    });
    try {
      await pipeline(source, createWriteStream(tmp));
      // A parser that stops at its own limit ends the stream cleanly, flagged truncated (busboy does).
      if ((source as { truncated?: boolean }).truncated) throw fileTooLarge(maxBytes, tooLargeHint);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { hash: hasher.digest('hex'), size, tmp };
  }

  stageBytes(bytes: Uint8Array | string, maxBytes?: number, tooLargeHint?: string): Promise<StagedFile> {
    return this.stage(Readable.from([Buffer.from(bytes)]), maxBytes, tooLargeHint);
  }

  /** Moves a staged file into the store under its hash. Answers whether the store did not have it before. */
  async commit(staged: StagedFile): Promise<boolean> {
    const existed = await this.has(staged.hash);
    await mkdir(join(this.root, staged.hash.slice(0, 2)), { recursive: true });
    await rename(staged.tmp, this.pathOf(staged.hash));
    // Before the upload is answered: a file acknowledged by one core node is readable from every other.
    await this.shared?.put(staged.hash, this.pathOf(staged.hash));
    return !existed;
  }

  async discard(staged: StagedFile): Promise<void> {
    await rm(staged.tmp, { force: true });
  }

  read(hash: string): Readable {
    return createReadStream(this.pathOf(hash));
  }

  /** The file as UTF-8; past `maxBytes` refused without reading it (a message's content must fit in memory). */
  async readText(hash: string, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
    const path = this.pathOf(hash);
    const { size } = await stat(path);
    if (size > maxBytes) {
      throw new AlephError(
        'MESSAGE_CONTENT_TOO_LARGE',
        `the content file ${hash} is ${size} bytes, over the ${maxBytes} byte limit`,
        {
          hint: 'message content stored as a file is read whole: keep it small, put bulk data in a STORE',
          details: { size, max: maxBytes },
        },
      );
    }
    return readFile(path, 'utf8');
  }

  async remove(hash: string): Promise<void> {
    await this.shared?.remove(hash);
    await rm(this.pathOf(hash), { force: true });
  }

  /** Deletes staging files not written to for `olderThanMs`: an upload in progress keeps touching its own. */
  async sweepStaged(olderThanMs: number, now = Date.now()): Promise<number> {
    const dir = join(this.root, 'tmp');
    let removed = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const p = join(dir, name);
      const s = await stat(p).catch(() => null);
      if (s && now - s.mtimeMs >= olderThanMs) {
        await rm(p, { force: true, recursive: true });
        removed += 1;
      }
    }
    return removed;
  }
}
