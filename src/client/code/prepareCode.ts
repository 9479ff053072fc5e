import { openSync, readFileSync, readSync, closeSync, statSync, type Stats } from 'node:fs';
import { AlephError } from '../../errors.js';
import { zipDirectory } from './zipDirectory.js';

/**
 * The code of a program, ready to upload.
 * @example
 * const code: PreparedCode = prepareCode('./hello');
 */
export interface PreparedCode {
  bytes: Uint8Array;
  encoding: 'zip' | 'squashfs';
  /** Where it came from, for messages to people. */
  source: 'directory' | 'zip' | 'squashfs';
}

function magic(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/**
 * Turns `aleph program create PATH` into bytes as aleph-client's `create_archive` does: a directory is
 * zipped (deterministically), a `.zip` or `.squashfs` file is used as-is; anything else is refused.
 * @example
 * const { bytes, encoding } = prepareCode('./my-program'); // encoding 'zip'
 */
export function prepareCode(path: string): PreparedCode {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (cause) {
    throw new AlephError('CODE_NOT_FOUND', `no such file or directory: ${path}`, {
      hint: 'PATH is a directory, a .zip archive or a .squashfs image',
      cause,
    });
  }
  if (st.isDirectory()) return { bytes: zipDirectory(path), encoding: 'zip', source: 'directory' };
  const head = magic(path);
  // squashfs superblock magic "hsqs" (little-endian 0x73717368); zip local header "PK\x03\x04" (or empty "PK\x05\x06").
  if (path.endsWith('.squashfs') || head.toString('latin1') === 'hsqs') {
    return { bytes: new Uint8Array(readFileSync(path)), encoding: 'squashfs', source: 'squashfs' };
  }
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) {
    return { bytes: new Uint8Array(readFileSync(path)), encoding: 'zip', source: 'zip' };
  }
  throw new AlephError('CODE_INVALID_ARCHIVE', `${path} is neither a directory, a zip archive nor a squashfs image`, {
    hint: 'pass the directory of your program, or a .zip / .squashfs of it',
    details: { path },
  });
}
