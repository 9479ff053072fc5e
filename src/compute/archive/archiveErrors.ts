import { AlephError } from '../../errors.js';

/** Limits on what a code archive may expand to; checked against declared sizes first, then actual bytes written. */
export interface ExtractLimits {
  maxBytes: number;
  maxFiles: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxBytes: 512 * 1024 * 1024, maxFiles: 100_000 };

export function unsafePath(name: string, why: string): AlephError {
  return new AlephError('ARCHIVE_UNSAFE_PATH', `archive entry '${name}' ${why}`, {
    hint: 'archive paths must be relative, without "..", and symlinks must stay inside the archive',
    details: { entry: name },
  });
}

export function tooLarge(what: 'bytes' | 'files', limit: number, seen: number): AlephError {
  const human = what === 'bytes' ? `${Math.round(limit / 1024 / 1024)} MiB` : `${limit} files`;
  return new AlephError('ARCHIVE_TOO_LARGE', `archive expands past ${human}`, {
    hint: 'ship less code, or move large data to a volume',
    details: { limit, [what]: seen, unit: what },
    status: 413,
  });
}

export function invalidArchive(message: string, cause?: unknown): AlephError {
  return new AlephError('ARCHIVE_INVALID', message, { hint: 'check the encoding (plain, zip, squashfs) matches the file', cause });
}
