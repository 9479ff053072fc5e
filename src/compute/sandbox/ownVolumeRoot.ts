import { closeSync, constants, fchownSync, fstatSync, openSync } from 'node:fs';
import { AlephError } from '../../errors.js';

/**
 * Makes the root of a persistent volume's host directory owned by the program's host uid, so the program (which
 * is not root on the host) can write it. Opened with O_NOFOLLOW | O_DIRECTORY and changed through that fd: a
 * symlink put in its place is refused instead of giving some other host path to the program. Only the root:
 * files below keep whatever owner wrote them.
 */
export function ownVolumeRoot(hostPath: string, uid: number): void {
  let fd: number;
  try {
    fd = openSync(hostPath, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    throw new AlephError('VOLUME_HOST_PATH_INVALID', `persistent volume ${hostPath} is not a plain directory (${(e as NodeJS.ErrnoException).code})`, {
      hint: 'the volume directory was replaced by a symlink or a file; remove it so the compute node recreates it',
      details: { hostPath },
    });
  }
  try {
    const st = fstatSync(fd);
    if (st.uid !== uid || st.gid !== uid) fchownSync(fd, uid, uid);
  } finally { closeSync(fd); }
}
