import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { AlephError } from '../../errors.js';
import type { FileStore } from '../files/fileStore.js';
import { manifestTooLarge, zipReader } from './zipEntryReader.js';

/** Read access to the files inside a program's code, by path relative to the code's root. */
export interface CodeArchive {
  /**
   * The file's bytes, or null when the code has no such file (or is not an archive). Never reads past
   * `maxBytes`: throws MANIFEST_TOO_LARGE instead, so a bomb costs the cap, not its expanded size.
   */
  read(path: string, maxBytes: number): Promise<Uint8Array | null>;
}

const EMPTY: CodeArchive = { read: async () => null };

/** unsquashfs -cat is a child process (off the event loop); this bounds how long one read may take. */
const SQUASHFS_READ_TIMEOUT_MS = 10_000;

const normalize = (path: string) => path.replace(/^\.?\/+/, '');

async function isZip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    // "PK\x03\x04" (a local file header) or "PK\x05\x06" (an empty archive).
    return b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5);
  } finally {
    await fh.close();
  }
}

function zipArchive(file: string): CodeArchive {
  const zip = zipReader(file);
  return { read: (path, maxBytes) => zip.read(normalize(path), maxBytes) };
}

function squashfsRead(file: string, path: string, maxBytes: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('unsquashfs', ['-cat', file, normalize(path)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let total = 0;
    let failure: unknown = null;
    const timer = setTimeout(() => {
      failure = manifestTooLarge(path, maxBytes, 'read timeout');
      child.kill('SIGKILL');
    }, SQUASHFS_READ_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => {
      total += b.length;
      if (total > maxBytes) {
        failure ??= manifestTooLarge(path, maxBytes);
        child.kill('SIGKILL');
        return;
      }
      chunks.push(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      // Without the tool the node cannot tell a governed image from a plain one; guessing would
      // make this node disagree with others, so refuse instead.
      failure ??=
        e.code === 'ENOENT'
          ? new AlephError(
              'CODE_SQUASHFS_UNREADABLE',
              'this node cannot read squashfs code: unsquashfs is not installed',
              { hint: 'install squashfs-tools on the node', cause: e },
            )
          : e;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      // unsquashfs exits non-zero when the path is not in the image.
      resolve(code === 0 ? Buffer.concat(chunks) : null);
    });
  });
}

/**
 * Opens the code a program's `code` reference resolves to, as the node stores it. `zip` is read entry by entry
 * from the file (central directory, then one entry's bytes, inflated up to a cap), `squashfs` with
 * `unsquashfs -cat` in a child process cut off at the cap; `plain` code is a single file and has no manifest.
 *
 * @example
 * const code = await openCodeArchive(files, fileHash, 'zip');
 * const toml = await code.read('program.toml', 64 * 1024); // bytes or null
 */
export async function openCodeArchive(files: FileStore, fileHash: string, encoding: string): Promise<CodeArchive> {
  if (encoding === 'plain') return EMPTY;
  if (!(await files.has(fileHash))) {
    throw new AlephError('PROGRAM_CODE_UNAVAILABLE', `the code file ${fileHash} is not on this node`, {
      details: { file_hash: fileHash },
    });
  }
  const file = files.pathOf(fileHash);
  if (encoding === 'squashfs') return { read: (path, maxBytes) => squashfsRead(file, path, maxBytes) };
  return (await isZip(file)) ? zipArchive(file) : EMPTY;
}
