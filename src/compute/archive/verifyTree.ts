import { chmodSync, lchownSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tooLarge, unsafeEntry, unsafePath, type ExtractLimits } from './archiveErrors.js';
import { LinkTable } from './safeArchivePath.js';

const isRoot = () => process.getuid?.() === 0;

/**
 * Checks and normalises a tree that a tool (unsquashfs, tar, a copy) extracted, without following any symlink:
 * entry count and bytes, no device node, fifo or socket, no hard link to a file outside the tree, every symlink
 * resolved against the whole tree ({@link LinkTable}). Then owner becomes the compute node's own user and modes
 * 0755/0644: no setuid/setgid/sticky bit and nothing writable by the program's uid, whatever the archive said.
 * Iterative, so a hostile depth cannot overflow the stack.
 */
export function verifyTree(root: string, limits: ExtractLimits, byteLimit: number, archiveBytes: number): void {
  const links = new LinkTable(limits.absoluteLinks);
  const inodes = new Map<number, { rel: string; nlink: number; seen: number }>();
  const chown = isRoot() ? (p: string) => lchownSync(p, process.getuid!(), process.getgid!()) : () => {};
  let files = 0;
  let bytes = 0;
  chown(root);
  chmodSync(root, 0o755);
  const stack: string[] = [''];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const name of readdirSync(join(root, dir))) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      const p = join(root, rel);
      const st = lstatSync(p);
      if (++files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, files);
      if (st.isSymbolicLink()) {
        links.add(rel, readlinkSync(p));
        chown(p);
        continue;
      }
      if (!st.isDirectory() && !st.isFile()) throw unsafeEntry(rel, 'is a device, fifo or socket');
      if (st.mode & 0o6000 && limits.setuid === 'refuse') throw unsafeEntry(rel, 'is setuid or setgid');
      // chown clears setuid/setgid; chmod after it sets the modes we mean.
      chown(p);
      if (st.isDirectory()) {
        chmodSync(p, 0o755);
        stack.push(rel);
        continue;
      }
      bytes += st.size;
      if (bytes > byteLimit) throw tooLarge('bytes', byteLimit, bytes, archiveBytes);
      chmodSync(p, st.mode & 0o111 ? 0o755 : 0o644);
      if (st.nlink > 1) {
        const seen = inodes.get(st.ino) ?? { rel, nlink: st.nlink, seen: 0 };
        seen.seen++;
        inodes.set(st.ino, seen);
      }
    }
  }
  links.checkAll();
  for (const i of inodes.values())
    if (i.seen < i.nlink) throw unsafePath(i.rel, 'is a hard link to a file outside the archive');
}
