import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { AlephError } from '../../errors.js';
import type { FileStore } from '../files/fileStore.js';

const run = promisify(execFile);

/** Read access to the files inside a program's code, by path relative to the code's root. */
export interface CodeArchive {
  /** The file's bytes, or null when the code has no such file (or is not an archive). */
  read(path: string): Promise<Uint8Array | null>;
}

const EMPTY: CodeArchive = { read: async () => null };

const normalize = (path: string) => path.replace(/^\.?\/+/, '');

function isZip(bytes: Uint8Array): boolean {
  // "PK\x03\x04" (a local file header) or "PK\x05\x06" (an empty archive).
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

function zipArchive(bytes: Uint8Array): CodeArchive {
  return {
    async read(path) {
      const wanted = normalize(path);
      try {
        // Inflate only the entry asked for: code archives can be large and we need one or two files.
        const entries = unzipSync(bytes, { filter: (f) => f.name === wanted || f.name === `./${wanted}` });
        return entries[wanted] ?? entries[`./${wanted}`] ?? null;
      } catch {
        // A corrupt archive has no readable manifest: the program is judged as plain code.
        return null;
      }
    },
  };
}

function squashfsArchive(file: string): CodeArchive {
  return {
    async read(path) {
      try {
        const { stdout } = await run('unsquashfs', ['-cat', file, normalize(path)], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
        return new Uint8Array(stdout);
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { code?: unknown };
        if (err.code === 'ENOENT') {
          // Without the tool the node cannot tell a governed image from a plain one; guessing would
          // make this node disagree with others, so refuse instead.
          throw new AlephError('CODE_SQUASHFS_UNREADABLE', 'this node cannot read squashfs code: unsquashfs is not installed', {
            hint: 'install squashfs-tools on the node',
            cause: e,
          });
        }
        return null; // unsquashfs exits non-zero when the path is not in the image.
      }
    },
  };
}

/**
 * Opens the code a program's `code` reference resolves to, as the node stores it. `zip` is read with
 * fflate, `squashfs` with `unsquashfs -cat`; `plain` code is a single file and has no manifest.
 *
 * @example
 * const code = await openCodeArchive(files, fileHash, 'zip');
 * const toml = await code.read('program.toml'); // bytes or null
 */
export async function openCodeArchive(files: FileStore, fileHash: string, encoding: string): Promise<CodeArchive> {
  if (encoding === 'plain') return EMPTY;
  if (!(await files.has(fileHash))) {
    throw new AlephError('PROGRAM_CODE_UNAVAILABLE', `the code file ${fileHash} is not on this node`, { details: { file_hash: fileHash } });
  }
  if (encoding === 'squashfs') return squashfsArchive(files.pathOf(fileHash));
  const bytes = new Uint8Array(await readFile(files.pathOf(fileHash)));
  return isZip(bytes) ? zipArchive(bytes) : EMPTY;
}
