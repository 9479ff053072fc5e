import { closeSync, constants, fchownSync, fstatSync, lchownSync, lstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';

/**
 * Makes the root of a persistent volume's host directory owned by the program's host uid, so the program (which
 * is not root on the host) can write it. Opened with O_NOFOLLOW | O_DIRECTORY and changed through that fd: a
 * symlink put in its place is refused instead of giving some other host path to the program. Only the root, unless
 * the volume predates per-program uids (root-owned): then its files are handed over too, once.
 */
export function ownVolumeRoot(hostPath: string, uid: number): void {
  let fd: number;
  try {
    fd = openSync(hostPath, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    throw new AlephError(
      'VOLUME_HOST_PATH_INVALID',
      `persistent volume ${hostPath} is not a plain directory (${(e as NodeJS.ErrnoException).code})`,
      {
        hint: 'the volume directory was replaced by a symlink or a file; remove it so the compute node recreates it',
        details: { hostPath },
      },
    );
  }
  try {
    const st = fstatSync(fd);
    if (st.uid === uid && st.gid === uid) return;
    fchownSync(fd, uid, uid);
    // Owned by root: a volume the program wrote when programs still ran as host root. Hand its files over once.
    if (st.uid === 0) adoptTree(hostPath, uid);
  } finally {
    closeSync(fd);
  }
}

/** Most entries handed over in one volume; past it the rest keep root as owner (and stay read-only to the program). */
const MAX_ADOPTED = 200_000;

/**
 * lchown of every entry below `dir`, descending only into real directories: a symlink is changed itself, never
 * what it points to. Runs before the program starts, so nothing inside can swap entries meanwhile.
 */
function adoptTree(dir: string, uid: number): void {
  const stack = [dir];
  let count = 0;
  while (stack.length > 0 && count < MAX_ADOPTED) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++count > MAX_ADOPTED) return;
      const p = join(d, name);
      try {
        const st = lstatSync(p);
        if (st.uid === 0) lchownSync(p, uid, uid);
        if (st.isDirectory()) stack.push(p);
      } catch {
        /* gone meanwhile */
      }
    }
  }
}
