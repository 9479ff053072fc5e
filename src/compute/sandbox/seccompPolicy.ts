/**
 * What the sandbox's seccomp filter refuses. Everything else is allowed: programs are ordinary Linux processes
 * (Python, Node, shell) and a short denylist of kernel interfaces they have no use for removes most of the kernel's
 * attack surface, as Docker's and Flatpak's default profiles do.
 *
 * Two kinds of rule:
 * - `DENIED_SYSCALLS`: refused outright with EPERM (ENOSYS for openat2, so libc falls back to openat, which the
 *   argument rules below can inspect; openat2 passes its mode in a struct seccomp cannot read).
 * - `SETUID_RULES`: the systemd `RestrictSUIDSGID=` set — no call may create or chmod a file with the set-user-ID
 *   or set-group-ID bit. A setuid file in a persistent volume would run as the program's host uid for whoever
 *   executes it on the host (as host root's, before programs had their own uids).
 */

export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
/** Same value on x86_64 and the generic (arm64, riscv64) syscall ABI. */
export const O_CREAT = 0o100;
export const O_TMPFILE_FLAG = 0o20000000;
/** ioctl that pushes bytes into a terminal's input (a classic sandbox escape; bwrap's --new-session also covers it). */
export const TIOCSTI = 0x5412;

export interface DeniedSyscall {
  name: string;
  /** Number on x86_64 and on the generic ABI when libseccomp is older than the syscall (same number on both). */
  number?: number;
  errno: 'EPERM' | 'ENOSYS';
  why: string;
}

const deny = (why: string, ...names: string[]): DeniedSyscall[] =>
  names.map((name) => ({ name, errno: 'EPERM' as const, why }));

export const DENIED_SYSCALLS: DeniedSyscall[] = [
  ...deny('kernel keyrings: a large kernel interface programs have no use for', 'keyctl', 'add_key', 'request_key'),
  ...deny(
    'kernel programs and profiling: frequent kernel exploit vectors',
    'bpf',
    'perf_event_open',
    'userfaultfd',
    'lookup_dcookie',
  ),
  ...deny(
    'io_uring bypasses syscall filtering and has had many privilege escalations',
    'io_uring_setup',
    'io_uring_enter',
    'io_uring_register',
  ),
  ...deny(
    'modules and kernel replacement',
    'init_module',
    'finit_module',
    'delete_module',
    'create_module',
    'kexec_load',
    'kexec_file_load',
  ),
  // name_to_handle_at stays: libmount and systemd tools use it to tell mount points apart, and a handle is useless without this.
  ...deny('a file handle reaches files outside the mount namespace (the "shocker" escape)', 'open_by_handle_at'),
  ...deny(
    'mount API: the sandbox mounts are fixed',
    'mount',
    'umount',
    'umount2',
    'pivot_root',
    'move_mount',
    'open_tree',
    'fsopen',
    'fsconfig',
    'fsmount',
    'fspick',
    'mount_setattr',
  ),
  ...deny(
    'host-wide machine state',
    'reboot',
    'swapon',
    'swapoff',
    'syslog',
    'acct',
    'quotactl',
    'settimeofday',
    'clock_settime',
    'sethostname',
    'setdomainname',
    'vhangup',
    'iopl',
    'ioperm',
    'nfsservctl',
    'uselib',
    'ustat',
    'sysfs',
    '_sysctl',
  ),
  ...deny('namespaces are fixed by the sandbox', 'setns'),
  // Docker's default without CAP_SYS_PTRACE: a program could otherwise attach to the sandbox's pid 1 and wedge it.
  ...deny("tracing other processes (the sandbox's pid 1 included)", 'ptrace', 'process_vm_readv', 'process_vm_writev'),
  // clone3 passes its flags in a struct the filter cannot read; glibc falls back to clone, whose flags it can (below).
  {
    name: 'clone3',
    number: 435,
    errno: 'ENOSYS',
    why: 'its flags sit in a struct the filter cannot read; libc falls back to clone',
  },
  {
    name: 'openat2',
    number: 437,
    errno: 'ENOSYS',
    why: 'its mode sits in a struct the filter cannot read; libc falls back to openat',
  },
];

/** One argument test: `(arg[index] & mask) === value`. */
export interface ArgMaskedEq {
  index: number;
  mask: number;
  value: number;
}

export interface SetuidRule {
  name: string;
  number?: number | undefined;
  args: ArgMaskedEq[];
}

function modeRules(name: string, modeArg: number, flagsArg: number | null, number?: number): SetuidRule[] {
  const out: SetuidRule[] = [];
  for (const bit of [S_ISUID, S_ISGID]) {
    const mode = { index: modeArg, mask: bit, value: bit };
    if (flagsArg === null) out.push({ name, number, args: [mode] });
    // open(2) only uses its mode when it creates the file (O_CREAT, or O_TMPFILE + linkat later).
    else
      for (const flag of [O_CREAT, O_TMPFILE_FLAG])
        out.push({ name, number, args: [{ index: flagsArg, mask: flag, value: flag }, mode] });
  }
  return out;
}

export const SETUID_RULES: SetuidRule[] = [
  ...modeRules('chmod', 1, null),
  ...modeRules('fchmod', 1, null),
  ...modeRules('fchmodat', 2, null),
  ...modeRules('fchmodat2', 2, null, 452),
  ...modeRules('creat', 1, null),
  ...modeRules('mknod', 1, null),
  ...modeRules('mknodat', 2, null),
  ...modeRules('open', 2, 1),
  ...modeRules('openat', 3, 2),
];

export const CLONE_NEWUSER = 0x10000000;

/**
 * A new user namespace is the one namespace an unprivileged process may create, and it hands back every
 * capability inside it (the way into most kernel bugs reachable from a container). The other namespace flags need
 * CAP_SYS_ADMIN, which a program never has. Flags are the first argument of both calls on x86_64 and arm64.
 */
export const NAMESPACE_RULES: SetuidRule[] = ['unshare', 'clone'].map((name) => ({
  name,
  args: [{ index: 0, mask: CLONE_NEWUSER, value: CLONE_NEWUSER }],
}));

/** ioctl requests refused: `ioctl(fd, request)` with `request` compared on its low 32 bits. */
export const DENIED_IOCTLS = [{ request: TIOCSTI, why: 'would type into the terminal of whoever started the node' }];
