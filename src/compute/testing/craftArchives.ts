import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Hostile squashfs images for tests (zips: protocol/testing/zipArchives.ts, shared with the core node's tests). */

/**
 * A squashfs image of `files` (path -> content) plus mksquashfs pseudo definitions (`-pf`), which make device
 * nodes, fifos, owners and setuid bits without any privilege: `dev/null2 c 666 0 0 1 3`.
 */
export function squashfsImage(dir: string, name: string, files: Record<string, string>, pseudo: string[] = []): string {
  const src = join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(src, p, '..'), { recursive: true });
    writeFileSync(join(src, p), content);
  }
  const img = join(dir, `${name}.squashfs`);
  const args = [src, img, '-noappend', '-quiet', '-no-progress'];
  if (pseudo.length > 0) {
    writeFileSync(join(dir, `${name}.pf`), pseudo.join('\n') + '\n');
    args.push('-pf', join(dir, `${name}.pf`));
  }
  execFileSync('mksquashfs', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return img;
}
