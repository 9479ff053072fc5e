import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Copies host files into a root filesystem at the same paths, keeping symlink chains (so `/bin/sh -> dash` and
 * `/lib -> usr/lib` behave as on the host) and pulling in the shared libraries ELF files need.
 */
export class RootfsWriter {
  private readonly seen = new Set<string>();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    // Merged /usr: the loader and ldd name /lib64/ld-linux…, /lib/x86_64-linux-gnu/…; mirror the host's links.
    for (const top of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
      const p = `/${top}`;
      if (existsSync(p) && lstatSync(p).isSymbolicLink()) this.addPath(p);
    }
  }

  /** Adds one host path (file, symlink chain or whole directory) at the same place in the root. */
  addPath(hostPath: string): void {
    const abs = resolve(hostPath);
    if (this.seen.has(abs)) return;
    this.seen.add(abs);
    const parent = abs === '/' ? '/' : realpathSync(dirname(abs));
    const here = join(parent, basename(abs));
    const st = lstatSync(here);
    const dest = join(this.root, here);
    mkdirSync(dirname(dest), { recursive: true });
    if (st.isSymbolicLink()) {
      const target = readlinkSync(here);
      if (!existsSync(dest) && !isLink(dest)) symlinkSync(target, dest);
      const resolved = resolve(parent, target);
      // A link to a directory (/lib -> usr/lib) only needs its target to exist, not the host's whole tree.
      if (statSync(resolved).isDirectory()) mkdirSync(join(this.root, realpathSync(resolved)), { recursive: true });
      else this.addPath(resolved);
    } else if (st.isDirectory()) {
      this.addTree(here);
    } else if (st.isFile()) {
      copyFileSync(here, dest);
      chmodSync(dest, st.mode & 0o7777);
      // Python checks .pyc files against the source mtime; a new mtime would force a recompile at every start.
      utimesSync(dest, st.atime, st.mtime);
    }
  }

  /** Copies a directory tree as-is (symlinks verbatim, modes and times kept), skipping `exclude`d names. */
  addTree(hostDir: string, exclude: (relPath: string) => boolean = () => false, rel = ''): void {
    const src = join(hostDir, rel);
    const dest = join(this.root, src);
    mkdirSync(dest, { recursive: true });
    for (const name of readdirSync(src)) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (exclude(r)) continue;
      const p = join(src, name);
      const st = lstatSync(p);
      if (st.isDirectory()) this.addTree(hostDir, exclude, r);
      else if (st.isSymbolicLink()) {
        if (!isLink(join(dest, name))) symlinkSync(readlinkSync(p), join(dest, name));
      } else if (st.isFile()) {
        copyFileSync(p, join(dest, name));
        chmodSync(join(dest, name), st.mode & 0o7777);
        utimesSync(join(dest, name), st.atime, st.mtime);
      }
    }
    const st = lstatSync(src);
    utimesSync(dest, st.atime, st.mtime);
  }

  /** Adds the shared libraries (and the loader) that `elfFiles` need, as `ldd` resolves them on the host. */
  async addLibrariesOf(elfFiles: string[]): Promise<void> {
    const libs = new Set<string>();
    for (let i = 0; i < elfFiles.length; i += 64) {
      const { stdout } = await run('ldd', elfFiles.slice(i, i + 64), { maxBuffer: 16 * 1024 * 1024 }).catch(
        (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
      );
      for (const m of stdout.matchAll(/(?:=>\s+|^\s+)(\/[^\s]+)\s+\(0x/gm)) libs.add(m[1]);
    }
    for (const lib of [...libs].sort()) this.addPath(lib);
  }

  writeFile(innerPath: string, content: string, mode = 0o644): void {
    const dest = join(this.root, innerPath);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, content, { mode });
  }

  symlink(target: string, innerPath: string): void {
    const dest = join(this.root, innerPath);
    mkdirSync(dirname(dest), { recursive: true });
    if (!isLink(dest) && !existsSync(dest)) symlinkSync(target, dest);
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Every regular ELF shared object (*.so) below `dir` in the built root. */
export function sharedObjectsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && /\.so(\.|$)/.test(name)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
