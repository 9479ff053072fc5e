import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { isAlephError } from '../../errors.js';
import { parseManifest, type Manifest } from '../../policy/index.js';
import type { FileStore } from '../files/fileStore.js';
import { openCodeArchive, type CodeArchive } from './codeArchive.js';

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

function declaredSources(m: Manifest): string[] {
  const { functions, transitions, async_functions } = m.interface;
  const all = [...Object.values(functions), ...Object.values(transitions), ...Object.values(async_functions)];
  return [...new Set(all.map((f) => f.source).filter((s): s is string => typeof s === 'string'))].sort();
}

/**
 * Reads program.toml (when present) and the sources its interface names from an opened archive.
 *
 * @example
 * const { manifest, sourceHashes } = await readManifest(archive);
 */
export async function readManifest(archive: CodeArchive): Promise<CodeManifest> {
  const toml = await archive.read(MANIFEST_PATH);
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
  for (const path of declaredSources(manifest)) {
    const bytes = await archive.read(path);
    if (bytes) sourceHashes[path] = bytesToHex(sha256(bytes));
  }
  return { manifest, sourceHashes };
}

/**
 * Opens the code file as stored and reads its manifest.
 *
 * @example
 * const code = await readCodeManifest(files, resolved.code.file_hash, resolved.code.encoding);
 */
export async function readCodeManifest(files: FileStore, fileHash: string, encoding: string): Promise<CodeManifest> {
  return readManifest(await openCodeArchive(files, fileHash, encoding));
}
