import { constants, deflateRawSync } from 'node:zlib';

/**
 * Hostile zips for tests of both nodes (the core node reads program.toml from code zips; the compute node extracts
 * them), built from the format's parts rather than by compressing gigabytes: each costs milliseconds to make and
 * whatever it claims to inflate to.
 */

/** A raw deflate stream of `mib` MiB of zeros: one full-flushed MiB (~1 KB) repeated, then an empty final block. */
export function zerosDeflate(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: mib }, () => block), Buffer.from([0x03, 0x00])]);
}

export interface RawZipEntry {
  name: string;
  /** The bytes as stored (already deflated when method is 8). */
  data: Uint8Array;
  method?: 0 | 8;
  /** The uncompressed size the headers declare (they may lie). */
  size: number;
  /** Unix mode (type and permissions); omitted: a DOS entry. */
  mode?: number;
}

/** A zip (no CRC check is made by our readers, so the CRC fields stay 0) with the entries as given. */
export function rawZip(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(e.method ?? 8, 8);
    lh.writeUInt32LE(e.data.length, 18);
    lh.writeUInt32LE(e.size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(e.mode === undefined ? 20 : (3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(e.method ?? 8, 10);
    ch.writeUInt32LE(e.data.length, 20);
    ch.writeUInt32LE(e.size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(e.mode === undefined ? 0 : (e.mode << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, Buffer.from(e.data));
    centrals.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** The bomb: ~510 KB of zip that inflates to `mib` MiB (default 500, under the 512 MiB cap). */
export function zipBomb(mib = 500, opts: { lie?: boolean; name?: string } = {}): Buffer {
  return rawZip([
    { name: opts.name ?? 'zeros.bin', data: zerosDeflate(mib), size: opts.lie ? 100 : mib * 1024 * 1024 },
  ]);
}

/** A zip of `n` empty stored files. */
export function manyEntriesZip(n: number): Buffer {
  return rawZip(
    Array.from({ length: n }, (_, i) => ({ name: `f/${i}`, data: new Uint8Array(0), method: 0 as const, size: 0 })),
  );
}

/**
 * A zip whose entry `name` inflates to `mib` MiB of zeros, beside stored entries `extra` (name → text): a bomb
 * hidden among the files a reader looks for.
 */
export function zipWithBomb(name: string, mib: number, extra: Record<string, string> = {}): Buffer {
  return rawZip([
    ...Object.entries(extra).map(([n, text]) => ({
      name: n,
      data: Buffer.from(text),
      method: 0 as const,
      size: Buffer.byteLength(text),
    })),
    { name, data: zerosDeflate(mib), size: Math.min(0xffffffff, mib * 1024 * 1024) },
  ]);
}
