import { spawn } from 'node:child_process';
import { chownSync, closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { AlephError } from '../../errors.js';
import { extractionTimeout, invalidArchive, tooLarge } from './archiveErrors.js';

/**
 * The host uid archive tools run as when the compute node is root: `nobody`, which owns nothing on the host, so
 * an extractor can create no device node, set no owner, keep no setuid bit and write only where it was given.
 */
export const EXTRACT_UID = 65534;

const isRoot = () => process.getuid?.() === 0;

function toolMissing(what: string, cause?: unknown): AlephError {
  return new AlephError('COMPUTE_HOST_TOOL_MISSING', `the compute node cannot run ${what}`, {
    hint: 'the compute node needs setpriv and prlimit (util-linux), stdbuf (coreutils), tar and unsquashfs (squashfs-tools)',
    cause,
  });
}

/** Gives a staging directory to the extractor's uid (a no-op when the node is not root: the tool runs as us). */
export function handOver(dir: string): void {
  if (isRoot()) chownSync(dir, EXTRACT_UID, EXTRACT_UID);
}

export interface ExtractorRun {
  cmd: string;
  args: string[];
  /** The tool's working directory; relative paths in `args` land here (the uid need not reach its parents). */
  cwd: string;
  /** Opened by us and passed as fd 3 (`/dev/fd/3` in `args`), so the tool needs no access to the store's path. */
  archive: string;
  timeoutMs: number;
  /** RLIMIT_FSIZE for the tool: no single file it writes grows past this (SIGXFSZ), whatever its listing said. */
  maxFileBytes?: number;
  /** Called for each stdout line (line-buffered through stdbuf); a throw stops the tool at once and becomes the result. */
  onLine?: (line: string) => void;
}

/**
 * Runs an archive tool as {@link EXTRACT_UID} (through util-linux's setpriv, no new privileges) with a clean
 * environment, reading its listing line by line so a limit stops it while it works, not after.
 */
export function runExtractor(r: ExtractorRun): Promise<void> {
  let argv = [r.cmd, ...r.args];
  // Without a line buffer the tool's stdio holds a member's header while it writes the member's bytes.
  if (r.onLine) argv = ['stdbuf', '-oL', ...argv];
  if (r.maxFileBytes !== undefined) argv = ['prlimit', `--fsize=${r.maxFileBytes}`, '--', ...argv];
  if (isRoot())
    argv = [
      'setpriv',
      `--reuid=${EXTRACT_UID}`,
      `--regid=${EXTRACT_UID}`,
      '--clear-groups',
      '--no-new-privs',
      '--',
      ...argv,
    ];
  const fd = openSync(r.archive, 'r');
  return new Promise<void>((resolve, reject) => {
    let failure: unknown = null;
    let stderr = '';
    const child = spawn(argv[0], argv.slice(1), {
      cwd: r.cwd,
      stdio: ['ignore', 'pipe', 'pipe', fd],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', TZ: 'UTC' },
    });
    closeSync(fd);
    const stop = (e: unknown) => {
      failure ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(extractionTimeout(r.timeoutMs)), r.timeoutMs);
    child.stderr!.on('data', (b: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += b.toString('utf8');
    });
    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (failure || !r.onLine) return;
      try {
        r.onLine(line);
      } catch (e) {
        stop(e);
      }
    });
    child.on('error', (e) => stop(toolMissing(argv[0], e)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (signal === 'SIGXFSZ') return reject(tooLarge('bytes', r.maxFileBytes ?? 0, (r.maxFileBytes ?? 0) + 1));
      // 126/127: setpriv, prlimit or stdbuf could not execute the next program of the chain.
      if (code === 126 || code === 127) return reject(toolMissing(argv.join(' ').slice(0, 200)));
      if (code !== 0) {
        const last =
          stderr
            .trim()
            .split('\n')
            .filter((l) => !/^(Parallel unsquashfs|\d+ inodes|created \d+)/.test(l))
            .pop() ?? `exit ${code}`;
        return reject(invalidArchive(`${r.cmd} failed: ${last}`));
      }
      resolve();
    });
  });
}
