import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { CompiledQuery } from 'kysely';
import type { Db } from '../store/queries.js';

/** Where files live beyond one node's disk (the FileStore's disk is then a cache of it). */
export interface SharedFiles {
  has(hash: string): Promise<boolean>;
  /** Copies the file at `path` in, unless it is there already. */
  put(hash: string, path: string): Promise<void>;
  /** Writes the file to `path` (through `tmp`, renamed once whole); false when it is not there. */
  fetch(hash: string, path: string, tmp: string): Promise<boolean>;
  remove(hash: string): Promise<void>;
}

/** 1 MiB: a chunk is one row and one round trip; a file is read back one chunk at a time (bounded memory). */
const CHUNK_BYTES = 1024 * 1024;

/** Files as chunks in the PostgreSQL store every core node shares (table file_chunks, migration 0007). */
export function pgSharedFiles(db: Db): SharedFiles {
  const q = (text: string, params: unknown[]) =>
    db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
  const has = async (hash: string) =>
    (await q('select 1 from file_chunks where hash = $1 and seq = 0', [hash])).rows.length > 0;
  return {
    has,
    async put(hash, path) {
      if (await has(hash)) return;
      await db.transaction().execute(async (trx) => {
        const t = (text: string, params: unknown[]) => trx.executeQuery(CompiledQuery.raw(text, params));
        let seq = 0;
        for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
          await t('insert into file_chunks (hash, seq, data) values ($1, $2, $3) on conflict do nothing', [
            hash,
            seq++,
            chunk,
          ]);
        }
        // An empty file is one empty chunk: chunk 0 is what says "whole".
        if (seq === 0)
          await t('insert into file_chunks (hash, seq, data) values ($1, 0, $2) on conflict do nothing', [
            hash,
            Buffer.alloc(0),
          ]);
      });
    },
    async fetch(hash, path, tmp) {
      const out = createWriteStream(tmp);
      let found = false;
      try {
        for (let seq = 0; ; seq++) {
          const { rows } = await q('select data from file_chunks where hash = $1 and seq = $2', [hash, seq]);
          if (rows.length === 0) break;
          found = true;
          if (!out.write(rows[0]!.data as Buffer)) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
      } catch (e) {
        out.destroy();
        await rm(tmp, { force: true });
        throw e;
      }
      if (!found) {
        await rm(tmp, { force: true });
        return false;
      }
      await rename(tmp, path);
      return true;
    },
    async remove(hash) {
      await q('delete from file_chunks where hash = $1', [hash]);
    },
  };
}
