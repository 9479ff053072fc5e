import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AlephError } from '../../errors.js';

/**
 * Files addressed by the sha256 of their bytes. Writes go to a temporary name and are renamed into place
 * only once the hash is known, so a crash never leaves a partial file under a valid hash.
 */
export class FileStore {
  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
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
      return false;
    }
  }

  /** Streams `source` into the store; returns its hash and size. Rejects past `maxBytes`. */
  async put(source: Readable, maxBytes = Number.POSITIVE_INFINITY): Promise<{ hash: string; size: number }> {
    const tmp = join(this.root, 'tmp', randomBytes(12).toString('hex'));
    const hasher = createHash('sha256');
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) source.destroy(new AlephError('FILE_TOO_LARGE', `file is over the ${maxBytes} byte limit`, { status: 413 }));
      hasher.update(chunk);
    });
    try {
      await pipeline(source, createWriteStream(tmp));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    const hash = hasher.digest('hex');
    const dest = this.pathOf(hash);
    await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
    await rename(tmp, dest);
    return { hash, size };
  }

  async putBytes(bytes: Uint8Array | string): Promise<{ hash: string; size: number }> {
    const { Readable } = await import('node:stream');
    return this.put(Readable.from([Buffer.from(bytes)]));
  }

  read(hash: string): Readable {
    return createReadStream(this.pathOf(hash));
  }

  async readText(hash: string): Promise<string> {
    return readFile(this.pathOf(hash), 'utf8');
  }

  async remove(hash: string): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }
}
