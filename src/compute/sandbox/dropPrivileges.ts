import { mkdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * Where each sandbox's mount sources are staged, in its own private mount namespace. Only an empty directory
 * exists on the host: each sandbox mounts its own small tmpfs over it, visible to nobody else.
 */
export const STAGE_DIR = '/run/aleph-sandbox';

/** Exit status of the prefix when it could not stage a mount source. */
export const STAGE_FAILED = 96;

/**
 * One mount source: the host path and the path bwrap (running unprivileged) reads it from instead. A read-only
 * directory is staged as an overlay of it (see {@link dropPrivilegesPrefix}); a writable one or a file as a bind.
 */
export interface StagedSource {
  host: string;
  staged: string;
  file: boolean;
  writable: boolean;
}

/**
 * Gives each host path a staged path under STAGE_DIR. bwrap runs as the program's unprivileged host uid, which
 * cannot traverse the node's home (often under /root, mode 0700); bind-mounting each source onto a root-owned 0711
 * staging dir first lets it reach exactly those sources and nothing around them, without a chmod of any host dir.
 */
export class SourceStage {
  private readonly list: StagedSource[] = [];

  /** Staged path for `host` (a directory or a file); the same host path is staged once. */
  add(host: string, opts: { writable?: boolean } = {}): string {
    const seen = this.list.find((s) => s.host === host);
    if (seen) {
      seen.writable ||= opts.writable === true;
      return seen.staged;
    }
    const staged = posix.join(STAGE_DIR, `s${this.list.length}`);
    this.list.push({ host, staged, file: !statSync(host).isDirectory(), writable: opts.writable === true });
    return staged;
  }

  get sources(): readonly StagedSource[] {
    return this.list;
  }
}

/**
 * argv placed between the root-side prefix (cgroups, rlimits) and bwrap: enters a private mount namespace as root
 * (util-linux `unshare`), stages every source there, then drops to `uid` for good (util-linux `setpriv`: no
 * groups, no capabilities in any set, no_new_privs) and execs the rest with an environment of PATH alone, so
 * bwrap — the sandbox's pid 1 — carries nothing of the node's environment (its /proc/1/environ is readable inside).
 */
export function dropPrivilegesPrefix(stage: SourceStage, uid: number): string[] {
  mkdirSync(STAGE_DIR, { recursive: true, mode: 0o711 });
  const empty = posix.join(STAGE_DIR, 'e');
  const steps = [
    `mount -n -t tmpfs -o mode=0711,size=64k,nosuid,nodev,noexec aleph-stage ${STAGE_DIR}`,
    `mkdir -m 0711 ${empty}`,
    // Host paths arrive as positional parameters, never inside the script text; staged paths are ours (s0, s1…).
    ...stage.sources.map((s, i) => {
      if (s.file || s.writable)
        return `${s.file ? 'touch' : 'mkdir -m 0711'} ${s.staged} && mount -n --bind "\${${i + 1}}" ${s.staged}`;
      // A bind shows, in the sandbox's /proc/self/mountinfo, its root within the host filesystem (the compute
      // home's path). An overlay of it (read-only: two lower layers, the second empty) is a filesystem of its own
      // whose root is the source itself, and whose options name only these staging paths. Where overlayfs is
      // missing (or the home is already two overlays deep) the bind stays, and with it that path.
      const lower = posix.join(STAGE_DIR, `b${i}`);
      return (
        `mkdir -m 0711 ${lower} ${s.staged} && mount -n --bind "\${${i + 1}}" ${lower}` +
        ` && { mount -n -t overlay aleph -o ro,nosuid,nodev,lowerdir=${lower}:${empty} ${s.staged} 2>/dev/null || mount -n --bind ${lower} ${s.staged}; }`
      );
    }),
  ];
  const n = stage.sources.length;
  const script = `{ ${steps.join(' && ')}; } || exit ${STAGE_FAILED}; shift ${n}; exec "$@"`;
  const id = String(Math.trunc(uid));
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    script,
    'aleph-stage',
    ...stage.sources.map((s) => s.host),
    'setpriv',
    '--reuid',
    id,
    '--regid',
    id,
    '--clear-groups',
    '--no-new-privs',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--',
    'env',
    '-i',
    'PATH=/usr/bin:/bin',
  ];
}
