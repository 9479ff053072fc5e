/** How many leading bytes {@link archiveKindOf} looks at. */
export const ARCHIVE_MAGIC_BYTES = 4;

/**
 * The archive format a file's first bytes announce: squashfs (`hsqs`, little-endian superblock), zip (`PK`, a local
 * header or an empty archive's end record), or null for anything else (a plain file, or a tar, which has no magic
 * at offset 0). Only a hint to pick a reader: each reader still checks the whole structure.
 *
 * @example
 * archiveKindOf(Buffer.from('PK\x03\x04')); // 'zip'
 */
export function archiveKindOf(head: Uint8Array): 'zip' | 'squashfs' | null {
  if (head.length >= 4 && head[0] === 0x68 && head[1] === 0x73 && head[2] === 0x71 && head[3] === 0x73)
    return 'squashfs';
  if (head.length >= 2 && head[0] === 0x50 && head[1] === 0x4b) return 'zip';
  return null;
}
