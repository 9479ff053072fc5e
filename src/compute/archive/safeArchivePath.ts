import { unsafePath } from './archiveErrors.js';

/**
 * Checks an entry name from an archive (untrusted) and returns it normalised, relative, without trailing '/'.
 * Refuses anything that could land outside the destination ("zip slip"): absolute paths, drive letters, '..'
 * segments, NUL and backslashes (a separator to Windows tools, so never meant literally).
 * Returns '' for the archive root itself ('./').
 */
export function safeArchivePath(putativeName: string): string {
  const name = putativeName;
  if (name.includes('\0')) throw unsafePath(name, 'contains NUL');
  if (name.includes('\\')) throw unsafePath(name, 'contains a backslash');
  if (name.startsWith('/')) throw unsafePath(name, 'is absolute');
  if (/^[A-Za-z]:/.test(name)) throw unsafePath(name, 'has a drive letter');
  const parts: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw unsafePath(name, 'climbs out with ".."');
    parts.push(seg);
  }
  return parts.join('/');
}

/** Whether a symlink at `linkPath` (relative, safe) pointing to `target` stays inside the archive root. */
export function symlinkStaysInside(linkPath: string, target: string): boolean {
  if (target.startsWith('/') || target.includes('\0')) return false;
  const parts = linkPath.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (parts.length === 0) return false; parts.pop(); } else parts.push(seg);
  }
  return true;
}
