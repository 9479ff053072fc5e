import { open, type FileHandle } from 'node:fs/promises';
import { Inflate } from 'fflate';
import { AlephError } from '../../errors.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A code zip's central directory is read whole; 100,000 entries with long names fit well under this. */
const MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** A file inside the code bigger than governance reads (program.toml, an interface's source). */
export function manifestTooLarge(path: string, limit: number, what = 'file'): AlephError {
  return new AlephError('MANIFEST_TOO_LARGE', `the code's ${path} is larger than ${limit} bytes`, {
    hint: 'keep program.toml and the sources its interface names small; governance reads them on every node',
    details: { path, limit, what },
  });
}

/** The name a zip entry lands at, normalised as the compute node's extractor does ('./a//b' -> 'a/b'); null for unsafe names it refuses. */
function landsAt(name: string): string | null {
  if (name.includes('\0') || name.includes('\\') || name.startsWith('/')) return null;
  const parts = name.split('/').filter((s) => s !== '' && s !== '.');
  return parts.includes('..') ? null : parts.join('/');
}

interface Entry {
  method: number;
  compressedSize: number;
  local: number;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** The central directory by landing path; the last entry wins, as when the extractor wrote them in order. Null: not a zip. */
async function indexEntries(fh: FileHandle, size: number): Promise<Map<string, Entry> | null> {
  const tailLen = Math.min(size, 22 + 65535);
  const tail = await readAt(fh, size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) return null;
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdSize > MAX_CENTRAL_DIRECTORY)
    throw manifestTooLarge('zip central directory', MAX_CENTRAL_DIRECTORY, 'central directory');
  if (cdOffset + cdSize > size) return null;
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries = new Map<string, Entry>();
  for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL; ) {
    const nameLen = cd.readUInt16LE(p + 28);
    const at = landsAt(cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    if ((cd.readUInt16LE(p + 8) & 1) === 0 && at !== null) {
      entries.set(at, {
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        local: cd.readUInt32LE(p + 42),
      });
    }
    p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  return entries;
}

/**
 * Reads files of a zip by the path they land at: the central directory once (bounded), then only the asked
 * entry's compressed bytes, inflating no more than `maxBytes` (plus a slice): a bomb costs what the cap costs.
 * `read` gives null when the zip has no such entry or it is unreadable (judged as plain code, as before), and
 * throws MANIFEST_TOO_LARGE past the cap.
 * @example const toml = await zipReader('/store/abc').read('program.toml', 64 * 1024)
 */
export function zipReader(file: string): { read(path: string, maxBytes: number): Promise<Uint8Array | null> } {
  let index: Promise<Map<string, Entry> | null> | null = null;
  return {
    async read(path, maxBytes) {
      const fh = await open(file, 'r');
      try {
        const { size } = await fh.stat();
        index ??= indexEntries(fh, size);
        const key = landsAt(path);
        const e = key === null ? undefined : (await index)?.get(key);
        return e ? await readEntry(fh, size, e, path, maxBytes) : null;
      } finally {
        await fh.close();
      }
    },
  };
}

async function readEntry(
  fh: FileHandle,
  size: number,
  e: Entry,
  path: string,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (e.method !== 0 && e.method !== 8) return null;
  const head = await readAt(fh, e.local, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL) return null;
  let pos = e.local + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  const end = Math.min(size, pos + e.compressedSize);
  const out: Uint8Array[] = [];
  let total = 0;
  const take = (c: Uint8Array) => {
    total += c.length;
    if (total > maxBytes) throw manifestTooLarge(path, maxBytes);
    out.push(c);
  };
  const inflate = e.method === 8 ? new Inflate((c) => take(c)) : null;
  while (pos < end) {
    const chunk = await readAt(fh, pos, Math.min(CHUNK, end - pos));
    if (chunk.length === 0) break;
    pos += chunk.length;
    if (!inflate) {
      take(chunk);
      continue;
    }
    // Inflate inflates a whole pushed slice at once, and deflate expands up to ~1032x: slices sized to the
    // budget left keep each step's output near the cap (a 64 KiB slice of a bomb is 64 MiB).
    try {
      for (let i = 0; i < chunk.length; ) {
        const step = Math.max(64, Math.min(CHUNK, Math.floor((maxBytes - total) / 1032)));
        inflate.push(chunk.subarray(i, i + step), pos >= end && i + step >= chunk.length);
        i += step;
      }
    } catch (err) {
      if (err instanceof AlephError) throw err;
      return null;
    }
  }
  return Buffer.concat(out);
}
