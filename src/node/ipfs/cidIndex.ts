import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FileStore, StagedFile } from '../files/fileStore.js';
import type { Db } from '../store/queries.js';
import { cidTap } from './unixfsCid.js';

/** A stored file under its IPFS name. */
export interface CidFile {
  cid: string;
  file_hash: string;
  size: number;
}

/** Records that `cid` names the stored file `fileHash` (idempotent: a CID names one content forever). */
export async function recordCid(db: Db, file: CidFile): Promise<void> {
  await db
    .insertInto('ipfs_cids')
    .values(file)
    .onConflict((oc) => oc.column('cid').doNothing())
    .execute();
}

/**
 * The stored file a CID names, if the node has its bytes: a mapping whose file was collected is no answer,
 * so the collector need not know about CIDs to delete a file.
 */
export async function fileOfCid(db: Db, cid: string): Promise<CidFile | undefined> {
  return db
    .selectFrom('ipfs_cids')
    .innerJoin('files', 'files.hash', 'ipfs_cids.file_hash')
    .select(['ipfs_cids.cid', 'ipfs_cids.file_hash', 'ipfs_cids.size'])
    .where('ipfs_cids.cid', '=', cid)
    .executeTakeFirst();
}

/**
 * Stages an upload as {@link FileStore.stage} does and computes its kubo CID in the same pass. Past `maxBytes`
 * (or cut off) nothing is staged and the CID is abandoned.
 */
export async function stageWithCid(
  files: FileStore,
  source: Readable,
  maxBytes: number,
  tooLargeHint?: string,
): Promise<{ staged: StagedFile; cid: string }> {
  const { tap, cid } = cidTap();
  // busboy flags a file it cut at its own limit; the store checks that flag on what it reads.
  Object.defineProperty(tap, 'truncated', { get: () => (source as { truncated?: boolean }).truncated === true });
  const feeding = pipeline(source, tap).catch(() => undefined);
  let staged: StagedFile;
  try {
    staged = await files.stage(tap, maxBytes, tooLargeHint);
  } catch (e) {
    source.destroy();
    cid.catch(() => undefined);
    throw e;
  } finally {
    await feeding;
  }
  try {
    return { staged, cid: await cid };
  } catch (e) {
    await files.discard(staged);
    throw e;
  }
}
