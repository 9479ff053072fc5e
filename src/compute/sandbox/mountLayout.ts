import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { AlephError } from '../../errors.js';

/**
 * bwrap args that rebuild the runtime root on a tmpfs, leaving room for every mount point. `source` is where
 * bwrap finds the runtime (its staged path, see dropPrivileges.ts).
 *
 * Binding the runtime directly as `/` would make it impossible to mount anything at a path the runtime lacks
 * (`mkdir` on a read-only bind fails). Instead `/` is a tmpfs, each runtime entry is bound read-only into it, and
 * only the directories on the way to a mount point are recreated (and descended into) on the tmpfs. The caller
 * remounts `/` read-only once all mounts are in place.
 */
export function runtimeRootArgs(runtimeRoot: string, mountPoints: string[], source = runtimeRoot): string[] {
  const args = ['--tmpfs', '/'];
  walk(runtimeRoot, '/', mountPoints, args, source);
  return args;
}

/** Reads the tree at `runtimeRoot`; binds name the same entries under `source` (its staged path). */
function walk(runtimeRoot: string, dir: string, mountPoints: string[], args: string[], source: string): void {
  for (const name of readdirSync(join(runtimeRoot, dir)).sort()) {
    const inner = posix.join(dir, name);
    const host = join(runtimeRoot, inner);
    const st = lstatSync(host);
    const exact = mountPoints.includes(inner);
    const below = mountPoints.some((m) => m.startsWith(inner + '/'));
    if (exact) continue; // shadowed by the mount placed there later
    if (!below) {
      if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(host), inner);
      else args.push('--ro-bind', posix.join(source, inner), inner);
      continue;
    }
    if (!st.isDirectory()) {
      throw new AlephError(
        'VOLUME_MOUNT_INVALID',
        `cannot mount below ${inner}: it is not a directory in the runtime`,
        {
          hint: 'mount volumes at a path whose parents are plain directories (e.g. /data)',
          details: { path: inner },
        },
      );
    }
    args.push('--dir', inner);
    walk(runtimeRoot, inner, mountPoints, args, source);
  }
}

/** Paths the sandbox itself mounts; volumes may not sit on or under them. */
export const RESERVED_MOUNTS = ['/proc', '/dev', '/tmp', '/opt/code', '/opt/aleph', '/run/aleph'];

/** Checks a volume's mount path (untrusted: it comes from the program's message). */
export function assertVolumeMount(putativeMount: string): string {
  const m = putativeMount;
  const bad = (why: string) =>
    new AlephError('VOLUME_MOUNT_INVALID', `volume mount '${m}' ${why}`, {
      hint: 'use an absolute, normalised path such as /data that is not /, /proc, /dev, /tmp, /opt/code, /opt/aleph or /run/aleph',
      details: { mount: m },
    });
  if (!m.startsWith('/') || m.includes('\0')) throw bad('is not an absolute path');
  if (posix.normalize(m) !== m || m.endsWith('/')) throw bad('is not normalised');
  if (m === '/') throw bad('would hide the runtime');
  for (const r of RESERVED_MOUNTS)
    if (m === r || m.startsWith(r + '/') || r.startsWith(m + '/')) throw bad(`overlaps ${r}`);
  return m;
}
