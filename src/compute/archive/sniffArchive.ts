import { closeSync, openSync, readSync } from 'node:fs';
import { ARCHIVE_MAGIC_BYTES, archiveKindOf } from '../../protocol/content/archiveMagic.js';

/** The archive kind a file's first bytes announce ({@link archiveKindOf}); null for anything else. */
export function sniffArchive(file: string): 'zip' | 'squashfs' | null {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(ARCHIVE_MAGIC_BYTES);
  let n = 0;
  try {
    n = readSync(fd, head, 0, ARCHIVE_MAGIC_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  return archiveKindOf(head.subarray(0, n));
}
