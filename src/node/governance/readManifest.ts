import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { isAlephError } from '../../errors.js';
import { parseManifest, type Manifest } from '../../policy/index.js';
import type { FileStore } from '../files/fileStore.js';
import { openCodeArchive, type CodeArchive } from './codeArchive.js';
import { manifestTooLarge } from './zipEntryReader.js';

/** What governance needs from a program's code: its manifest and the hashes of declared sources. */
export interface CodeManifest {
  /**
   * The parsed manifest; the raw program.toml text when it does not parse (the policy engine turns
   * that into the MANIFEST_INVALID refusal naming the line); null for a plain program.
   */
  manifest: Manifest | string | null;
  /** sha256 hex of each `source` file the interface names, by path; a missing file is left out. */
  sourceHashes: Record<string, string>;
}

/** The DESIGN §4 manifest file, at the root of the code. */
export const MANIFEST_PATH = 'program.toml';
/** The most of program.toml any node reads; a bigger one refuses the program (MANIFEST_TOO_LARGE), on every node alike. */
export const MANIFEST_MAX_BYTES = 64 * 1024;
/** The most read of all the `source` files an interface names, together. */
export const SOURCES_MAX_BYTES = 8 * 1024 * 1024;

function declaredSources(m: Manifest): string[] {
  const { functions, transitions, async_functions } = m.interface;
  const all = [...Object.values(functions), ...Object.values(transitions), ...Object.values(async_functions)];
  return [...new Set(all.map((f) => f.source).filter((s): s is string => typeof s === 'string'))].sort();
}

/**
 * Reads program.toml (when present) and the sources its interface names from an opened archive, within
 * MANIFEST_MAX_BYTES and SOURCES_MAX_BYTES (MANIFEST_TOO_LARGE past them).
 *
 * @example
 * const { manifest, sourceHashes } = await readManifest(archive);
 */
export async function readManifest(archive: CodeArchive): Promise<CodeManifest> {
  const toml = await archive.read(MANIFEST_PATH, MANIFEST_MAX_BYTES);
  if (!toml) return { manifest: null, sourceHashes: {} };
  const text = new TextDecoder().decode(toml);
  let manifest: Manifest;
  try {
    manifest = parseManifest(text);
  } catch (e) {
    if (!isAlephError(e)) throw e;
    return { manifest: text, sourceHashes: {} };
  }
  const sourceHashes: Record<string, string> = {};
  let left = SOURCES_MAX_BYTES;
  for (const path of declaredSources(manifest)) {
    const bytes = await archive.read(path, left).catch((e: unknown) => {
      throw isAlephError(e) && e.code === 'MANIFEST_TOO_LARGE'
        ? manifestTooLarge(path, SOURCES_MAX_BYTES, 'interface sources (together)')
        : e;
    });
    if (!bytes) continue;
    left -= bytes.length;
    sourceHashes[path] = bytesToHex(sha256(bytes));
  }
  return { manifest, sourceHashes };
}

/**
 * Outcomes by code file: the manifest is a pure function of the file's bytes, so it is read once, before the
 * ordered writer (see prefetchCodeManifest), and the writer, dry-runs and views reuse it. Failures are kept
 * too (the same file always fails the same way). Bounded: oldest out first.
 */
const CACHE_SIZE = 512;
/** Per file store: whether a file is on this node is part of the answer, and one process may run several nodes. */
const caches = new WeakMap<FileStore, Map<string, Promise<CodeManifest>>>();

/**
 * Opens the code file as stored and reads its manifest (cached by file hash and encoding).
 *
 * @example
 * const code = await readCodeManifest(files, resolved.code.file_hash, resolved.code.encoding);
 */
export function readCodeManifest(files: FileStore, fileHash: string, encoding: string): Promise<CodeManifest> {
  const key = `${encoding}:${fileHash}`;
  let cache = caches.get(files);
  if (!cache) caches.set(files, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const p = openCodeArchive(files, fileHash, encoding).then(readManifest);
  cache.set(key, p);
  // A file not (yet) on this node is not a property of its bytes: do not remember that.
  p.catch((e: unknown) => {
    if (!isAlephError(e) || e.code !== 'MANIFEST_TOO_LARGE') cache.delete(key);
  });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return p;
}
