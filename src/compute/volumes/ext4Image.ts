import { execFile } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { AlephError } from '../../errors.js';

const MiB = 1024 * 1024;
/** Below this a journal (at least 1 MiB) would eat most of the volume; e2fsck repairs a small one after a crash. */
const JOURNAL_FROM_MIB = 16;
const TOOL_TIMEOUT_MS = 60_000;
/** How long a remount waits for a previous instance's mount of the same image to go (it goes as its sandbox exits). */
const DETACH_TIMEOUT_MS = 20_000;

export function volumeToolFailed(
  what: string,
  cause: unknown,
  details: { device?: string; image?: string; readonly [more: string]: unknown } = {},
): AlephError {
  return new AlephError(
    'COMPUTE_VOLUME_FAILED',
    `persistent volume: ${what}: ${(cause as Error).message.split('\n')[0]}`,
    {
      hint: "see the compute node's host: loop devices, e2fsprogs and free disk space",
      details,
      cause,
    },
  );
}

/** Runs a system tool (no shell) with a time bound; resolves stdout, rejects with its exit code and stderr. */
export function run(cmd: string, args: string[], okCodes: number[] = [0]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: MiB }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (okCodes.includes(code)) resolve(stdout);
      else reject(new Error(`${cmd} failed (${code}): ${stderr.trim() || err?.message}`));
    });
  });
}

/**
 * Creates an ext4 image of exactly `sizeMiB` (a sparse file: host disk is used as the program writes, never more
 * than sizeMiB). Made under a temporary name and renamed, so a crash never leaves a half-made image in place.
 */
export async function createImage(path: string, sizeMiB: number): Promise<void> {
  const tmp = `${path}.new`;
  rmSync(tmp, { force: true });
  // O_NOFOLLOW|O_EXCL: never through a planted symlink, never over an existing file.
  const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600);
  try {
    ftruncateSync(fd, sizeMiB * MiB);
  } finally {
    closeSync(fd);
  }
  try {
    const features = sizeMiB < JOURNAL_FROM_MIB ? ['-O', '^has_journal'] : [];
    // -m 0: no blocks reserved for root (the program is never root); root_owner: the sandbox chowns the root itself.
    await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-L', 'aleph-volume', '-E', 'root_owner=0:0', ...features, tmp]);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw volumeToolFailed('mkfs.ext4', e, { sizeMiB });
  }
}

/** The image's size in MiB (opened without following symlinks). */
export function imageSizeMiB(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return Math.floor(fstatSync(fd).size / MiB);
  } finally {
    closeSync(fd);
  }
}

function truncateTo(path: string, sizeMiB: number): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    ftruncateSync(fd, sizeMiB * MiB);
  } finally {
    closeSync(fd);
  }
}

/** Loop devices backed by the image, in any mount namespace (loop devices are global, mount tables are not). */
export async function loopDevicesOf(path: string): Promise<string[]> {
  const out = await run('losetup', ['-j', path]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(0, l.indexOf(':')));
}

/**
 * Waits (bounded) until no loop device is backed by the image. A sandbox still exiting keeps its own copy of the
 * mount in its mount namespace after ours is gone, and the filesystem lives until that copy does: checking or
 * mounting the image again meanwhile would put two live filesystems on one file and corrupt it.
 */
async function awaitDetached(path: string, timeoutMs = DETACH_TIMEOUT_MS): Promise<void> {
  for (const t0 = Date.now(); ; ) {
    const devices = await loopDevicesOf(path);
    if (devices.length === 0) return;
    if (Date.now() - t0 >= timeoutMs) {
      throw new AlephError(
        'COMPUTE_VOLUME_BUSY',
        `persistent volume: the image is still in use on ${devices.join(', ')}`,
        {
          hint: 'a previous instance of the program has not exited; see `losetup -j` and the processes holding it',
          details: { devices, waitedMs: timeoutMs },
        },
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Grows an unmounted image to `sizeMiB` (file, then filesystem). Never shrinks: data may live past the new end. */
export async function growUnmounted(path: string, sizeMiB: number): Promise<void> {
  await awaitDetached(path);
  truncateTo(path, sizeMiB);
  try {
    await run('e2fsck', ['-f', '-p', path], [0, 1]);
    await run('resize2fs', [path]);
  } catch (e) {
    throw volumeToolFailed('resize2fs', e, { sizeMiB });
  }
}

/** Grows a mounted image online: the file, then the loop device's idea of its size, then the filesystem. */
export async function growMounted(path: string, mountPoint: string, fromMiB: number, sizeMiB: number): Promise<void> {
  const dev = mountSource(mountPoint);
  if (!dev) throw volumeToolFailed('grow', new Error(`${mountPoint} is not mounted`));
  truncateTo(path, sizeMiB);
  try {
    await run('losetup', ['-c', dev]);
    await run('resize2fs', [dev]);
  } catch (e) {
    // The filesystem never used the new tail: cut it off again so the next mount sees the image still needs growing.
    truncateTo(path, fromMiB);
    await run('losetup', ['-c', dev]).catch(() => {});
    throw volumeToolFailed('resize2fs (online)', e, { sizeMiB });
  }
}

/** Mounts the image (repaired first if a crash left it unclean) at `mountPoint`: no setuid, devices or exec. */
export async function mountImage(path: string, mountPoint: string): Promise<void> {
  await awaitDetached(path);
  try {
    // 0 clean, 1 repaired; anything else needs a person.
    await run('e2fsck', ['-p', path], [0, 1]);
    await run('mount', ['-t', 'ext4', '-o', 'loop,nosuid,nodev,noexec', path, mountPoint]);
  } catch (e) {
    throw volumeToolFailed('mount', e, { mountPoint });
  }
}

export async function unmount(mountPoint: string): Promise<void> {
  // A busy mount (a sandbox still exiting) is detached lazily: the loop device goes when the last user does.
  await run('umount', [mountPoint]).catch(() => run('umount', ['-l', mountPoint]));
}

/** Mount points (from /proc/self/mountinfo) equal to or under `root`, deepest first. */
export function mountsUnder(root: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const field = line.split(' ')[4];
    if (!field) continue;
    const mp = field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === root || mp.startsWith(root + '/')) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** The device mounted at `mountPoint` (e.g. /dev/loop3), or null. */
export function mountSource(mountPoint: string): string | null {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[4] !== mountPoint) continue;
    const dash = f.indexOf('-');
    return dash > 0 ? (f[dash + 2] ?? null) : null;
  }
  return null;
}

/** Whether this host can size volumes: root (mount, loop devices) and e2fsprogs. */
export function imagesSupported(): { ok: true } | { ok: false; why: string } {
  if (process.getuid?.() !== 0)
    return { ok: false, why: 'the compute node does not run as root (loop mounts need it)' };
  if (!existsSync('/dev/loop-control')) return { ok: false, why: 'the host has no loop devices (/dev/loop-control)' };
  const tools = ['/usr/sbin/mkfs.ext4', '/sbin/mkfs.ext4'];
  if (!tools.some((t) => existsSync(t))) return { ok: false, why: 'mkfs.ext4 is missing (Debian package e2fsprogs)' };
  return { ok: true };
}
