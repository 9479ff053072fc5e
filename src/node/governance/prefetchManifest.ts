import { open } from 'node:fs/promises';
import type { ValidMessage } from '../../protocol/index.js';
import { ARCHIVE_MAGIC_BYTES, archiveKindOf } from '../../protocol/content/archiveMagic.js';
import type { FileStore } from '../files/fileStore.js';
import { resolveStoreRef, type Db } from '../store/queries.js';
import { readCodeManifest } from './readManifest.js';
import { contentOf } from '../apply/contentOf.js';

async function sniff(files: FileStore, fileHash: string): Promise<'zip' | 'squashfs' | null> {
  try {
    const fh = await open(files.pathOf(fileHash), 'r');
    try {
      const b = Buffer.alloc(ARCHIVE_MAGIC_BYTES);
      const { bytesRead } = await fh.read(b, 0, ARCHIVE_MAGIC_BYTES, 0);
      return archiveKindOf(b.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** Reads the manifest of the code a PROGRAM content's `code` names (see prefetchCodeManifest). */
export async function prefetchProgramCode(db: Db, files: FileStore, putativeCode: unknown): Promise<void> {
  try {
    const code = putativeCode as { ref?: unknown; use_latest?: unknown; encoding?: unknown } | undefined;
    if (typeof code?.ref !== 'string' || typeof code.encoding !== 'string') return;
    const r = await resolveStoreRef(db, code.ref, code.use_latest === true, 'code.ref');
    await readCodeManifest(files, r.fileHash, code.encoding);
  } catch {
    // The writer reads it again and decides; a refusal is recorded there, with the message.
  }
}

/** Reads the manifest of a file that may become a program's code, as the encoding its bytes say. */
export async function prefetchCodeFile(files: FileStore, fileHash: string): Promise<void> {
  const kind = await sniff(files, fileHash);
  if (kind) await readCodeManifest(files, fileHash, kind).catch(() => undefined);
}

/**
 * Reads, before the message reaches the ordered writer, the manifest the writer will need: a PROGRAM's code, or
 * the file of a STORE amend (which may become a program's code through `use_latest`). The reading is bounded
 * anyway; done here, it happens concurrently with other messages instead of inside the one writer, which then
 * finds it in readCodeManifest's cache. Best effort: anything it cannot resolve now the writer resolves itself.
 *
 * @example
 * await prefetchCodeManifest(db, files, msg); // then enqueue msg
 */
export async function prefetchCodeManifest(db: Db, files: FileStore, msg: ValidMessage): Promise<void> {
  if (msg.envelope.type === 'PROGRAM') await prefetchProgramCode(db, files, contentOf(msg, 'PROGRAM').code);
  else if (msg.envelope.type === 'STORE') {
    const c = contentOf(msg, 'STORE');
    if (typeof c.ref === 'string' && /^[0-9a-f]{64}$/.test(c.item_hash)) await prefetchCodeFile(files, c.item_hash);
  }
}
