import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { AlephError } from '../../errors.js';

/** One path component built from a program's data: a plain name, never `.`, `..`, empty or with a separator. */
const SEGMENT = /^[A-Za-z0-9_.-]{1,128}$/;

// Named from the root's last component on: the error reaches the program's owner, host paths do not.
function unsafe(why: string, path: string, root = path): AlephError {
  const shown = join(basename(root), path.slice(root.length));
  return new AlephError('COMPUTE_PATH_UNSAFE', `refusing host path ${shown}: ${why}`, {
    hint: "a program's host paths must be plain directories under its own directory; remove the symlink or stray file",
    details: { path: shown, reason: why },
  });
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export interface PathBeneathOptions {
  /** Create missing directories on the way (mode 0700); the last segment too unless `leaf` is 'file'. */
  create?: boolean;
  /** What the last component must be when it exists: a directory (default) or a regular file. */
  leaf?: 'dir' | 'file';
}

/**
 * `root/segment/…` for segments taken from a program's data, with openat2's RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * semantics done by lstat on every component: each segment is a plain name, no component is a symlink, every
 * intermediate one is a real directory, and the result's realpath is the path itself — so nothing a program plants
 * (or a stale entry) can point a bind mount or a loop image outside `root`.
 * Returns the path; the last component may not exist yet when `leaf` is 'file'.
 * @example pathBeneath('/srv/compute/volume-mounts', [programId, 'data'], { create: true })
 */
export function pathBeneath(root: string, segments: readonly string[], opts: PathBeneathOptions = {}): string {
  if (!isAbsolute(root)) throw unsafe('the root is not absolute', root);
  const rootStat = lstatOrNull(root);
  if (!rootStat && opts.create) mkdirSync(root, { recursive: true, mode: 0o700 });
  else if (!rootStat?.isDirectory())
    throw unsafe(rootStat?.isSymbolicLink() ? 'the root is a symlink' : 'the root is not a directory', root);
  let path = root;
  segments.forEach((seg, i) => {
    if (!SEGMENT.test(seg) || seg === '.' || seg === '..')
      throw unsafe(`'${seg.slice(0, 80)}' is not a plain name`, join(root, '…'), root);
    path = join(path, seg);
    const last = i === segments.length - 1;
    const wantFile = last && opts.leaf === 'file';
    let st = lstatOrNull(path);
    if (!st && opts.create && !wantFile) {
      try {
        mkdirSync(path, { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      st = lstatOrNull(path);
    }
    if (!st) {
      if (wantFile) return;
      throw unsafe('it does not exist', path, root);
    }
    if (st.isSymbolicLink()) throw unsafe('a component is a symlink', path, root);
    if (wantFile ? !st.isFile() : !st.isDirectory())
      throw unsafe(wantFile ? 'it is not a regular file' : 'a component is not a directory', path, root);
  });
  const real = lstatOrNull(path) ? realpathSync(path) : join(realpathSync(join(path, '..')), segments.at(-1) ?? '');
  if (real !== join(realpathSync(root), ...segments)) throw unsafe('it resolves elsewhere', path, root);
  return path;
}
