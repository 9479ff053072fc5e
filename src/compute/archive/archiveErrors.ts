import { AlephError } from '../../errors.js';

/**
 * Limits on what an archive may expand to. Checked against what the archive declares first (central directory,
 * squashfs listing, tar headers), then against what is really written, so a lying header gains nothing.
 */
export interface ExtractLimits {
  maxBytes: number;
  maxFiles: number;
  /** Most expanded bytes per archive byte (a bomb's signature); an archive may always expand to RATIO_FLOOR. */
  maxRatio: number;
  /** Wall-clock bound on one extraction, tools included. */
  timeoutMs: number;
  /** 'refuse' for program code; 'strip' for runtimes, where a distribution's rootfs carries setuid su/mount. */
  setuid: 'refuse' | 'strip';
  /**
   * Absolute symlink targets: 'refuse' for code; 'root' for runtimes, which are `/` inside the sandbox, so an
   * absolute target is resolved against the runtime's own root (and must stay in it like any other).
   */
  absoluteLinks: 'refuse' | 'root';
}

/** Below this, the ratio is not checked: a tiny archive of repetitive text legitimately compresses very well. */
export const RATIO_FLOOR = 16 * 1024 * 1024;

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxFiles: 100_000,
  maxRatio: 100,
  timeoutMs: 120_000,
  setuid: 'refuse',
  absoluteLinks: 'refuse',
};

/** The expanded bytes an archive of `archiveBytes` may reach: the byte cap, tightened by the ratio. */
export function byteBudget(limits: ExtractLimits, archiveBytes: number): number {
  return Math.min(limits.maxBytes, Math.max(RATIO_FLOOR, Math.ceil(archiveBytes * limits.maxRatio)));
}

export function unsafePath(name: string, why: string): AlephError {
  return new AlephError('ARCHIVE_UNSAFE_PATH', `archive entry '${name}' ${why}`, {
    hint: 'archive paths must be relative, without "..", and symlinks must stay inside the archive',
    details: { entry: name },
  });
}

/** A device node, fifo, socket or setuid/setgid file: nothing a program's code or runtime needs on the host. */
export function unsafeEntry(name: string, why: string): AlephError {
  return new AlephError('ARCHIVE_UNSAFE_ENTRY', `archive entry '${name}' ${why}`, {
    hint: 'archives may hold only regular files, directories and symlinks, without setuid/setgid bits',
    details: { entry: name },
  });
}

export function tooLarge(what: 'bytes' | 'files', limit: number, seen: number, archiveBytes?: number): AlephError {
  const human = what === 'bytes' ? `${Math.round(limit / 1024 / 1024)} MiB` : `${limit} files`;
  const ratio =
    archiveBytes !== undefined && what === 'bytes'
      ? ` (${Math.round(limit / Math.max(1, archiveBytes))}x its ${archiveBytes} bytes)`
      : '';
  return new AlephError('ARCHIVE_TOO_LARGE', `archive expands past ${human}${ratio}`, {
    hint: 'ship less code, or move large data to a volume',
    details: {
      limit,
      [what]: seen,
      unit: what,
      ...(archiveBytes === undefined ? {} : { archive_bytes: archiveBytes }),
    },
  });
}

export function extractionTimeout(ms: number): AlephError {
  return new AlephError('ARCHIVE_TIMEOUT', `extraction took longer than ${Math.round(ms / 1000)} s`, {
    hint: 'ship fewer or smaller files',
    details: { timeout_ms: ms },
  });
}

export function invalidArchive(message: string, cause?: unknown): AlephError {
  return new AlephError('ARCHIVE_INVALID', message, {
    hint: 'check the encoding (plain, zip, squashfs) matches the file',
    cause,
  });
}
