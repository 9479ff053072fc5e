import { invalidArchive, tooLarge } from './archiveErrors.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  /** Unix mode from the external attributes when the archive was made on unix, else null. */
  unixMode: number | null;
  /** Offset of the compressed bytes in the archive. */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads a zip's central directory. We parse it ourselves (rather than fflate's unzip) to get unix modes (run.sh
 * must stay executable) and to check the entry count and declared sizes before inflating anything.
 */
export function readZipDirectory(buf: Uint8Array, maxEntries = Infinity): ZipEntry[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (v.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalidArchive('not a zip archive (no end of central directory)');
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  if (count === 0xffff || p === 0xffffffff) throw invalidArchive('zip64 archives are not supported');
  if (count > maxEntries) throw tooLarge('files', maxEntries, count);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || v.getUint32(p, true) !== CENTRAL) throw invalidArchive('corrupt zip central directory');
    const madeBy = v.getUint16(p + 4, true) >> 8;
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const compressedSize = v.getUint32(p + 20, true);
    const declaredSize = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const external = v.getUint32(p + 38, true);
    const local = v.getUint32(p + 42, true);
    const name = decoder.decode(buf.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) throw invalidArchive(`zip entry '${name}' is encrypted`);
    if (local + 30 > buf.length || v.getUint32(local, true) !== LOCAL)
      throw invalidArchive(`corrupt local header for '${name}'`);
    const dataOffset = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (dataOffset + compressedSize > buf.length)
      throw invalidArchive(`zip entry '${name}' runs past the end of the file`);
    entries.push({
      name,
      method,
      compressedSize,
      declaredSize,
      unixMode: madeBy === 3 ? external >>> 16 : null,
      dataOffset,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
