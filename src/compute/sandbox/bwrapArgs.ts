import type { VolumeSpec } from './types.js';
import { assertVolumeMount, runtimeRootArgs } from './mountLayout.js';
import { SANDBOX_PATHS } from './programCommand.js';
import { procfsMaskArgs } from './procfsMasks.js';
import { seccompProgram } from './seccompFilter.js';
import { SourceStage, dropPrivilegesPrefix } from './dropPrivileges.js';
import { BLOCK_FD, INFO_FD } from './userNetwork.js';
import { posix } from 'node:path';

export interface BwrapInput {
  runtimeRoot: string;
  /** null: an empty /opt/code, where a pooled sandbox's program is mounted when it is assigned (pool/). */
  codeDir: string | null;
  /** Host dir mounted read-only at /opt/aleph (launcher scripts). */
  launcherDir: string;
  volumes: VolumeSpec[];
  internet: boolean;
  /** Size of /tmp; tmpfs pages count against the memory limit anyway, this just keeps /tmp from taking all of it. */
  tmpMiB: number;
  env: Record<string, string>;
  argv: string[];
  /** Host uid (and gid) bwrap and the program run as; SANDBOX_UID inside maps to it, and nothing maps to root. */
  hostUid: number;
}

/** Unprivileged uid/gid the program runs as inside its user namespace. */
export const SANDBOX_UID = 1000;

const BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  // Unbuffered output so a program's last lines (e.g. before an OOM kill) reach its logs.
  PYTHONUNBUFFERED: '1',
  PYTHONDONTWRITEBYTECODE: '1',
};

const MiB = 1024 * 1024;

/**
 * What spawnBwrap needs: options (sent on fd 3), the program's argv, the seccomp program (sent on fd 4), and the
 * argv that stages the mount sources and drops to the program's host uid just before bwrap.
 */
export interface BwrapArgs {
  options: string[];
  command: string[];
  seccomp: Buffer;
  dropPrivileges: string[];
}

/** The fd bwrap reads the seccomp BPF program from. */
export const SECCOMP_FD = 4;

/**
 * bwrap options for one program, and the command line that follows `--`. The options go through `--args FD`
 * (bwrap only reads options there), which keeps host paths and env values out of the sandbox's /proc/1/cmdline.
 */
export function bwrapArgs(input: BwrapInput): BwrapArgs {
  const volumes = input.volumes.map((v) => ({ ...v, mount: assertVolumeMount(v.mount) }));
  // Parents before children so a volume may be mounted inside another one.
  volumes.sort((a, b) => a.mount.split('/').length - b.mount.split('/').length);
  const mountPoints = [...Object.values(SANDBOX_PATHS), '/proc', '/dev', '/tmp', ...volumes.map((v) => v.mount)];
  if (input.internet) mountPoints.push('/etc/resolv.conf');
  const stage = new SourceStage();
  const runtimeSource = stage.add(input.runtimeRoot);

  const a: string[] = [
    // Own user namespace, created by bwrap running as the program's host uid: uid 1000 inside is that uid outside.
    // No --disable-userns: the seccomp filter refuses CLONE_NEWUSER itself, as Docker's default profile does.
    '--unshare-user',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    // Always its own network namespace; with internet, slirp4netns serves it a tap0 (userNetwork.ts) before the program runs.
    '--unshare-net',
    ...(input.internet ? ['--info-fd', String(INFO_FD), '--block-fd', String(BLOCK_FD)] : []),
    '--hostname',
    'aleph',
    '--die-with-parent',
    '--new-session',
    // Loaded last, just before the program runs: bwrap's own setup needs mount() and friends.
    '--seccomp',
    String(SECCOMP_FD),
    ...runtimeRootArgs(input.runtimeRoot, mountPoints, runtimeSource),
    '--dev',
    '/dev',
    // bwrap's /dev is an unbounded writable tmpfs (host memory when cgroups are absent): only /dev/shm, bounded, stays writable.
    '--size',
    String(input.tmpMiB * MiB),
    '--tmpfs',
    '/dev/shm',
    '--proc',
    '/proc',
    ...procfsMaskArgs(),
    '--size',
    String(input.tmpMiB * MiB),
    '--tmpfs',
    '/tmp',
    ...(input.codeDir === null
      ? ['--dir', SANDBOX_PATHS.code]
      : ['--ro-bind', stage.add(input.codeDir), SANDBOX_PATHS.code]),
    '--ro-bind',
    stage.add(input.launcherDir),
    SANDBOX_PATHS.launcher,
  ];
  // The launcher dir holds a resolv.conf naming slirp4netns's DNS forwarder (see startSandbox).
  if (input.internet) a.push('--ro-bind', posix.join(stage.add(input.launcherDir), 'resolv.conf'), '/etc/resolv.conf');
  for (const v of volumes) {
    if (v.kind === 'immutable') a.push('--ro-bind', stage.add(v.hostPath), v.mount);
    else if (v.kind === 'persistent') a.push('--bind', stage.add(v.hostPath, { writable: true }), v.mount);
    else a.push('--size', String(Math.max(1, Math.floor(v.sizeMiB)) * MiB), '--tmpfs', v.mount);
  }
  a.push('--remount-ro', '/dev', '--remount-ro', '/', '--chdir', SANDBOX_PATHS.code, '--clearenv');
  for (const [k, v] of Object.entries({ ...BASE_ENV, ...input.env })) a.push('--setenv', k, v);
  return {
    options: a,
    command: input.argv,
    seccomp: seccompProgram(),
    dropPrivileges: dropPrivilegesPrefix(stage, input.hostUid),
  };
}
