import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, posix } from 'node:path';

/**
 * Where each sandbox's mount sources are staged, in its own private mount namespace. Only an empty directory
 * exists on the host: each sandbox mounts its own small tmpfs over it, visible to nobody else.
 */
export const STAGE_DIR = '/run/aleph-sandbox';

/** Exit status of the prefix when it could not stage a mount source. */
export const STAGE_FAILED = 96;

/**
 * One mount source: the host path and the path bwrap (running unprivileged) reads it from instead. A read-only
 * source is staged as an overlay (see {@link dropPrivilegesPrefix}) — of itself, or for a file of its directory,
 * of which bwrap then binds that file alone; a writable one as a bind.
 */
export interface StagedSource {
  host: string;
  staged: string;
  file: boolean;
  writable: boolean;
}

/** What the prefix mounts for a source: the host path handed to the script, and where it goes. */
function mountOf(s: StagedSource): { host: string; at: string; overlay: boolean } {
  if (s.writable) return { host: s.host, at: s.staged, overlay: false };
  return s.file
    ? { host: dirname(s.host), at: posix.dirname(s.staged), overlay: true }
    : { host: s.host, at: s.staged, overlay: true };
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
    const file = !statSync(host).isDirectory();
    const writable = opts.writable === true;
    // A read-only file is reached inside the overlay of its directory, under its own name (a host name we chose).
    const dir = posix.join(STAGE_DIR, `s${this.list.length}`);
    const staged = file && !writable ? posix.join(dir, basename(host)) : dir;
    this.list.push({ host, staged, file, writable });
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
      const m = mountOf(s);
      if (!m.overlay)
        return `mkdir -p -m 0711 ${posix.dirname(m.at)} && ${s.file ? 'touch' : 'mkdir -m 0711'} ${m.at} && mount -n --bind "\${${i + 1}}" ${m.at}`;
      // A bind shows, in the sandbox's /proc/self/mountinfo, its root within the host filesystem (the compute
      // home's path). An overlay of it (read-only: two lower layers, the second empty) is a filesystem of its own
      // whose root is the source itself, and whose options name only these staging paths. Where overlayfs is
      // missing (or the home is already two overlays deep) the bind stays, and with it that path.
      const lower = posix.join(STAGE_DIR, `b${i}`);
      return (
        `mkdir -m 0711 ${lower} ${m.at} && mount -n --bind "\${${i + 1}}" ${lower}` +
        ` && { mount -n -t overlay aleph -o ro,nosuid,nodev,lowerdir=${lower}:${empty} ${m.at} 2>/dev/null || mount -n --bind ${lower} ${m.at}; }`
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
    ...stage.sources.map((s) => mountOf(s).host),
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
