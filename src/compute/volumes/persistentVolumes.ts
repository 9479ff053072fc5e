import { lstatSync, mkdirSync, readdirSync, realpathSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import {
  createImage,
  growMounted,
  growUnmounted,
  imageSizeMiB,
  imagesSupported,
  mountImage,
  mountsUnder,
  run,
  unmount,
  volumeToolFailed,
} from './ext4Image.js';
import { pathBeneath } from './pathBeneath.js';

interface Mounted {
  mountPoint: string;
  sizeMiB: number;
}

/** A program id as the compute node names its directories (programView.ts checks ids the same way). */
const PROGRAM_ID = /^[0-9a-f]{64}$/;
interface Volume {
  refs: number;
  chain: Promise<Mounted | null>;
}

/** A mounted volume held by one instance: `release` once the instance has exited. */
export interface VolumeLease {
  hostPath: string;
  release(): void;
}

/**
 * Persistent volumes sized for real: one ext4 image per (program, volume name) under `home/volume-images`, loop
 * mounted (nosuid, nodev, noexec) under `home/volume-mounts` while at least one instance of the program holds it
 * (an upgrade's new instance takes it before the old one lets go), unmounted when the last one exits and at
 * shutdown. Data survives restarts and upgrades; a program that writes past its size gets ENOSPC inside its image
 * and the host's disk is never touched beyond it.
 * Sizes: the image is exactly `size_mib` (ext4's metadata takes a few percent of it, up to a tenth of a 1 MiB one).
 * A later edition that declares more grows it — online where the kernel lets us (CAP_SYS_RESOURCE), otherwise at
 * its next mount; one that declares less keeps the larger image: never shrink, the data may not fit.
 */
export class PersistentVolumes {
  private readonly images: string;
  private readonly mounts: string;
  /** Where volumes were plain directories before they were images; their data moves into the new image once. */
  private readonly legacy: string;
  /** One chain per volume, so concurrent starts and releases never race a mount. */
  private readonly volumes = new Map<string, Volume>();

  constructor(home: string) {
    // Real paths: mount points are matched against /proc/self/mountinfo, which knows no symlinks.
    for (const d of ['volume-images', 'volume-mounts']) mkdirSync(join(home, d), { recursive: true, mode: 0o700 });
    this.images = realpathSync(join(home, 'volume-images'));
    this.mounts = realpathSync(join(home, 'volume-mounts'));
    this.legacy = join(home, 'volumes');
  }

  /**
   * Unmounts what a crashed compute node left mounted (its sandboxes died with it), so every image is checked
   * (e2fsck) and mounted afresh on first use.
   */
  async recover(): Promise<void> {
    if (!imagesSupported().ok) return;
    for (const mp of mountsUnder(this.mounts)) await unmount(mp).catch(() => {});
  }

  /** The volume mounted (at least `sizeMiB` large where it could grow), held until `release`. */
  async acquire(programId: string, name: string, sizeMiB: number): Promise<VolumeLease> {
    const key = `${programId}/${name}`;
    let v = this.volumes.get(key);
    if (!v) this.volumes.set(key, (v = { refs: 0, chain: Promise.resolve(null) }));
    const vol = v;
    vol.refs++;
    const step = vol.chain.catch(() => null).then((m) => this.ensure(programId, name, sizeMiB, m));
    vol.chain = step;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (--vol.refs > 0) return;
      vol.chain = vol.chain
        .catch(() => null)
        .then(async (m) => {
          if (vol.refs > 0 || !m) return m;
          await unmount(m.mountPoint).catch(() => {});
          return null;
        });
    };
    try {
      return { hostPath: (await step).mountPoint, release };
    } catch (e) {
      release();
      throw e;
    }
  }

  private async ensure(programId: string, name: string, sizeMiB: number, mounted: Mounted | null): Promise<Mounted> {
    if (mounted && mountsUnder(mounted.mountPoint).includes(mounted.mountPoint)) {
      if (sizeMiB <= mounted.sizeMiB) return mounted;
      // Without CAP_SYS_RESOURCE the kernel refuses an online resize: the image grows at its next mount.
      try {
        await growMounted(this.imagePath(programId, name), mounted.mountPoint, mounted.sizeMiB, sizeMiB);
      } catch {
        return mounted;
      }
      return { ...mounted, sizeMiB };
    }
    const support = imagesSupported();
    if (!support.ok) {
      throw new AlephError(
        'COMPUTE_VOLUMES_UNAVAILABLE',
        `this compute node cannot host persistent volumes: ${support.why}`,
        {
          hint: 'run the compute node as root on a host with loop devices and e2fsprogs, or use ephemeral volumes',
          details: { reason: support.why },
        },
      );
    }
    const image = this.imagePath(programId, name);
    // Every component lstat'ed: a symlink planted where an image or a mount point belongs is refused, never followed.
    pathBeneath(this.images, [programId, `${name}.ext4`], { create: true, leaf: 'file' });
    const mountPoint = pathBeneath(this.mounts, [programId, name], { create: true });
    if (mountsUnder(mountPoint).length) await unmount(mountPoint);
    let size: number;
    let created = false;
    try {
      size = imageSizeMiB(image);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw volumeToolFailed('open image', e);
      await createImage(image, sizeMiB);
      size = sizeMiB;
      created = true;
    }
    if (size < sizeMiB) {
      await growUnmounted(image, sizeMiB);
      size = sizeMiB;
    }
    await mountImage(image, mountPoint);
    if (created) await this.adoptLegacy(programId, name, mountPoint, image);
    return { mountPoint, sizeMiB: size };
  }

  /**
   * Copies a pre-image volume directory (home/volumes/<id>/<name>) into the fresh image, symlinks as symlinks
   * (never followed: such a directory is exactly where a program could have planted them). When it does not fit,
   * the image is removed again and the error says so: the old directory stays as it was.
   */
  private async adoptLegacy(programId: string, name: string, mountPoint: string, image: string): Promise<void> {
    let dir: string;
    try {
      dir = pathBeneath(this.legacy, [programId, name]);
    } catch {
      return;
    }
    try {
      await run('cp', ['-a', '--no-dereference', '--', `${dir}/.`, mountPoint]);
    } catch (e) {
      await unmount(mountPoint).catch(() => {});
      rmSync(image, { force: true });
      throw volumeToolFailed(`moving the volume's data from before volumes were sized (does it fit in size_mib?)`, e, {
        name,
      });
    }
  }

  /** Ids of the programs that have volume images on this node (directory names that are program ids). */
  programsWithImages(): string[] {
    return readdirSync(this.images).filter((d) => PROGRAM_ID.test(d));
  }

  /**
   * Deletes the program's volume images whose names are not in `keep` (every one when `keep` is empty, then its
   * directories too): for a forgotten program, or volumes an accepted edition no longer declares. A volume an
   * instance still holds is left alone (its instance is stopped first; what is left is dropped next time). Runs
   * on each volume's chain, so it never races a mount. Returns the names deleted.
   */
  async drop(programId: string, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
    if (!PROGRAM_ID.test(programId)) return [];
    let files: string[];
    try {
      files = readdirSync(join(this.images, programId));
    } catch {
      files = [];
    }
    const dropped: string[] = [];
    for (const name of files.filter((f) => f.endsWith('.ext4')).map((f) => f.slice(0, -'.ext4'.length))) {
      if (keep.has(name)) continue;
      const key = `${programId}/${name}`;
      let v = this.volumes.get(key);
      if (!v) this.volumes.set(key, (v = { refs: 0, chain: Promise.resolve(null) }));
      const vol = v;
      const step = vol.chain
        .catch(() => null)
        .then(async (m) => {
          if (vol.refs > 0) return m;
          const mountPoint = join(this.mounts, programId, name);
          if (mountsUnder(mountPoint).length) await unmount(mountPoint);
          // Unlinked, never followed: these paths are the node's own, but a program wrote inside the image.
          rmSync(this.imagePath(programId, name), { force: true });
          try {
            rmdirSync(mountPoint);
          } catch {
            /* absent */
          }
          try {
            if (lstatSync(join(this.legacy, programId, name)).isDirectory())
              rmSync(join(this.legacy, programId, name), { recursive: true, force: true });
          } catch {
            /* absent */
          }
          dropped.push(name);
          if (this.volumes.get(key) === vol && vol.refs === 0) this.volumes.delete(key);
          return null;
        });
      vol.chain = step;
      await step;
    }
    if (keep.size === 0) {
      for (const d of [join(this.images, programId), join(this.mounts, programId), join(this.legacy, programId)]) {
        try {
          rmdirSync(d);
        } catch {
          /* absent, or still holds a volume in use */
        }
      }
    }
    return dropped;
  }

  private imagePath(programId: string, name: string): string {
    return join(this.images, programId, `${name}.ext4`);
  }

  /** Unmounts every volume (at shutdown, after the sandboxes have stopped). */
  async close(): Promise<void> {
    await Promise.all([...this.volumes.values()].map((v) => v.chain.catch(() => null)));
    this.volumes.clear();
    for (const mp of mountsUnder(this.mounts)) await unmount(mp).catch(() => {});
  }
}
