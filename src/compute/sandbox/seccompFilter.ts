import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AlephError } from '../../errors.js';
import { DENIED_IOCTLS, DENIED_SYSCALLS, NAMESPACE_RULES, SETUID_RULES } from './seccompPolicy.js';

/**
 * Compiles the seccomp policy into the classic-BPF program bwrap loads with `--seccomp FD`.
 *
 * libseccomp (through Debian's python3-seccomp) does the compiling: it knows every architecture's syscall numbers,
 * adds the architecture check, and kills calls made through another ABI (i386 `int 0x80`, x32) so a program cannot
 * step around the numbers by switching ABI. It runs once per process; the result is a few KiB.
 */
const COMPILER = String.raw`
import errno, json, sys
import seccomp
spec = json.loads(sys.argv[1])
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
def nr(name, number):
    try:
        seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)
        return name
    except Exception:
        return number  # newer than this libseccomp: the raw number (same on x86_64 and the generic ABI)
skipped = []
def add(action, name, number, args):
    target = nr(name, number)
    if target is None:
        skipped.append(name); return
    try:
        f.add_rule(action, target, *[seccomp.Arg(a['index'], seccomp.MASKED_EQ, a['mask'], a['value']) for a in args])
    except Exception as e:
        skipped.append(name + ': ' + str(e))
for d in spec['denied']:
    add(seccomp.ERRNO(getattr(errno, d['errno'])), d['name'], d.get('number'), [])
for r in spec['setuid']:
    add(seccomp.ERRNO(errno.EPERM), r['name'], r.get('number'), r['args'])
for r in spec['namespaces']:
    add(seccomp.ERRNO(errno.EPERM), r['name'], r.get('number'), r['args'])
for i in spec['ioctls']:
    add(seccomp.ERRNO(errno.EPERM), 'ioctl', None, [{'index': 1, 'mask': 0xffffffff, 'value': i['request']}])
sys.stderr.write(json.dumps({'skipped': skipped}))
f.export_bpf(sys.stdout)
`;

/** Debian's python3 first: python3-seccomp installs into its dist-packages, which a pyenv or venv python lacks. */
const PYTHONS = ['/usr/bin/python3', 'python3'];

let compiled: { bpf: Buffer; skipped: string[] } | null = null;

/** The BPF program (cached). Throws SANDBOX_SECCOMP_UNAVAILABLE when it cannot be built: no sandbox runs without it. */
export function seccompProgram(): Buffer {
  compiled ??= compile();
  return compiled.bpf;
}

/** Rules this machine's libseccomp could not express (syscalls unknown to the architecture), for diagnostics. */
export function seccompSkipped(): string[] {
  compiled ??= compile();
  return compiled.skipped;
}

/** Exported for tests: compiles with the first of `pythons` that has libseccomp. */
export function compile(pythons = PYTHONS): { bpf: Buffer; skipped: string[] } {
  const spec = JSON.stringify({
    denied: DENIED_SYSCALLS,
    setuid: SETUID_RULES,
    namespaces: NAMESPACE_RULES,
    ioctls: DENIED_IOCTLS,
  });
  const errors: string[] = [];
  for (const python of pythons) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const r = spawnSync(python, ['-c', COMPILER, spec], {
      timeout: 10_000,
      maxBuffer: 1024 * 1024,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const stderr = r.stderr?.toString().trim() ?? '';
    if (r.status === 0 && r.stdout.length > 0 && r.stdout.length % 8 === 0) {
      const skipped = (JSON.parse(stderr.split('\n').pop() ?? '{}') as { skipped?: string[] }).skipped ?? [];
      return { bpf: r.stdout, skipped };
    }
    errors.push(
      `${python}: ${r.error?.message ?? (stderr.split('\n').pop() || `exit ${r.status}, ${r.stdout.length} bytes`)}`,
    );
  }
  throw new AlephError(
    'SANDBOX_SECCOMP_UNAVAILABLE',
    'cannot build the sandbox syscall filter: libseccomp for python3 is missing',
    {
      hint: 'install the Debian package python3-seccomp (bash scripts/setup.sh does)',
      details: { tried: errors },
    },
  );
}
