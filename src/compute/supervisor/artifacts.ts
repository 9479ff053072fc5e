import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { extractCode } from '../archive/extractCode.js';
import { sniffArchive } from '../archive/sniffArchive.js';
import { unpackRuntime } from '../runtime/unpackRuntime.js';
import type { NodeApi } from '../api/nodeApi.js';
import { resolvedFile, type ProgramView } from '../api/programView.js';
import type { VolumeSpec } from '../sandbox/types.js';
import { PersistentVolumes, type VolumeLease } from '../volumes/persistentVolumes.js';

export interface PreparedProgram {
  runtimeRoot: string;
  codeDir: string;
  volumes: VolumeSpec[];
  /** Lets go of the persistent volumes this instance holds; call once its sandbox has exited. */
  release(): void;
}

/**
 * Turns a program view into host paths: files fetched by hash, code and volumes extracted once per file hash
 * (an extraction is immutable, so every instance of every edition that uses the same file shares it).
 */
export class Artifacts {
  private readonly extracting = new Map<string, Promise<string>>();
  readonly persistent: PersistentVolumes;

  constructor(
    private readonly api: NodeApi,
    private readonly home: string,
    private readonly runtimeCacheDir: string,
  ) {
    this.persistent = new PersistentVolumes(home);
  }

  private once(key: string, make: () => Promise<string>): Promise<string> {
    let p = this.extracting.get(key);
    if (!p) {
      p = make();
      this.extracting.set(key, p);
      p.catch(() => this.extracting.delete(key));
    }
    return p;
  }

  code(fileHash: string, encoding: ProgramView['encoding']): Promise<string> {
    const dir = join(this.home, 'code', fileHash);
    return this.once(`code:${fileHash}`, async () => {
      if (existsSync(dir)) return dir;
      const file = await this.api.file(fileHash);
      // 'plain' is a single file in aleph; our clients send directories zipped, so sniff what really arrived.
      const kind = encoding === 'plain' ? (sniffArchive(file) ?? 'zip') : encoding;
      await extractCode(file, kind as 'zip' | 'squashfs', dir);
      return dir;
    });
  }

  runtime(fileHash: string): Promise<string> {
    return this.once(`runtime:${fileHash}`, async () =>
      unpackRuntime(await this.api.file(fileHash), this.runtimeCacheDir),
    );
  }

  /** An immutable volume: an archive is extracted (read-only dir); any other file is mounted as that file. */
  immutableVolume(fileHash: string): Promise<string> {
    return this.once(`volume:${fileHash}`, async () => {
      const file = await this.api.file(fileHash);
      const kind = sniffArchive(file);
      if (kind === null) return file;
      const dir = join(this.home, 'volumes-ro', fileHash);
      if (!existsSync(dir)) await extractCode(file, kind, dir);
      return dir;
    });
  }

  async prepare(v: ProgramView): Promise<PreparedProgram> {
    const [runtimeRoot, codeDir] = await Promise.all([
      this.runtime(resolvedFile(v, 'runtime')),
      this.code(resolvedFile(v, 'code'), v.encoding),
    ]);
    const volumes: VolumeSpec[] = [];
    const leases: VolumeLease[] = [];
    const release = () => {
      for (const l of leases.splice(0)) l.release();
    };
    try {
      for (const vol of v.volumes) {
        if (vol.kind === 'ephemeral') volumes.push({ kind: 'ephemeral', mount: vol.mount, sizeMiB: vol.sizeMiB });
        else if (vol.kind === 'immutable')
          volumes.push({
            kind: 'immutable',
            mount: vol.mount,
            hostPath: await this.immutableVolume(resolvedFile(v, 'volume', vol.mount)),
          });
        else {
          // Keyed by program id and name, not edition: persistent data survives restarts and upgrades.
          const lease = await this.persistent.acquire(v.id, vol.name, vol.sizeMiB);
          leases.push(lease);
          volumes.push({ kind: 'persistent', mount: vol.mount, hostPath: lease.hostPath });
        }
      }
    } catch (e) {
      release();
      throw e;
    }
    return { runtimeRoot, codeDir, volumes, release };
  }
}
