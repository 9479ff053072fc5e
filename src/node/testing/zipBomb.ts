import { constants, deflateRawSync } from 'node:zlib';

/**
 * A zip whose one entry `name` inflates to `mib` MiB of zeros (~1 KB per MiB): a full-flushed MiB of deflate
 * repeated, then an empty final block. Other entries (`extra`, stored) sit beside it. Costs milliseconds to make.
 */
export function zipWithBomb(name: string, mib: number, extra: Record<string, string> = {}): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const entries = [
    ...Object.entries(extra).map(([n, text]) => ({ name: n, data: Buffer.from(text), method: 0, size: Buffer.byteLength(text) })),
    { name, data: Buffer.concat([...Array.from({ length: mib }, () => block), Buffer.from([0x03, 0x00])]), method: 8, size: Math.min(0xffffffff, mib * 1024 * 1024) },
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const n = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(e.method, 8);
    lh.writeUInt32LE(e.data.length, 18); lh.writeUInt32LE(e.size, 22); lh.writeUInt16LE(n.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(e.method, 10);
    ch.writeUInt32LE(e.data.length, 20); ch.writeUInt32LE(e.size, 24); ch.writeUInt16LE(n.length, 28); ch.writeUInt32LE(offset, 42);
    locals.push(lh, n, e.data);
    centrals.push(ch, n);
    offset += 30 + n.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(entries.length, 8); eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12); eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
