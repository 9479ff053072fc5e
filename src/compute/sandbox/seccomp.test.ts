import assert from 'node:assert/strict';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cachedRuntime } from '../runtime/runtimeCache.js';
import { SandboxFixture } from '../testing/sandboxFixture.js';
import { runInSandbox } from './runInSandbox.js';
import { compile } from './seccompFilter.js';

/**
 * Runs Python inside a real sandbox; `calls` maps a label to a Python expression whose value (or errno name, when
 * it raises OSError) is reported. Raw syscalls go through ctypes with this machine's numbers.
 */
const PRELUDE = String.raw`
import ctypes, errno, json, os, platform, stat
libc = ctypes.CDLL(None, use_errno=True)
NR = {
  'x86_64': dict(keyctl=250, add_key=248, io_uring_setup=425, perf_event_open=298, setns=308, openat2=437, fchmodat2=452, bpf=321, userfaultfd=323, ioctl=16),
  'aarch64': dict(keyctl=219, add_key=217, io_uring_setup=425, perf_event_open=241, setns=268, openat2=437, fchmodat2=452, bpf=280, userfaultfd=282, ioctl=29),
}[platform.machine()]
def sc(name, *args):
    r = libc.syscall(NR[name], *[a if isinstance(a, (bytes, ctypes.Array)) else ctypes.c_long(a) for a in args])
    return 'ok' if r >= 0 else errno.errorcode[ctypes.get_errno()]
def attempt(f):
    try:
        f(); return 'ok'
    except OSError as e:
        return errno.errorcode[e.errno]
`;

async function probe(
  runtimeRoot: string,
  calls: Record<string, string>,
  volumes: Parameters<typeof runInSandbox>[0]['volumes'] = [],
): Promise<Record<string, string>> {
  const body = Object.entries(calls)
    .map(([k, expr]) => `out[${JSON.stringify(k)}] = ${expr}`)
    .join('\n');
  const script = `${PRELUDE}\nout = {}\n${body}\nprint(json.dumps(out))\n`;
  const r = await runInSandbox({ runtimeRoot, argv: ['/usr/bin/python3', '-c', script], volumes, timeoutMs: 20_000 });
  assert.equal(r.code, 0, `${r.reason}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
}

/** Every file below `dir` (on the host) that carries a setuid or setgid bit. */
function setidFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.mode & 0o6000) out.push(`${name} ${(st.mode & 0o7777).toString(8)}`);
    if (st.isDirectory()) out.push(...setidFiles(p));
  }
  return out;
}

describe('sandbox privileges: syscall filter', () => {
  const fx = new SandboxFixture();
  let python = '';
  before(async () => {
    python = await cachedRuntime('python');
  });
  after(() => fx.dispose());

  it('cannot create a setuid or setgid file in a persistent volume, by any call', async () => {
    const host = fx.mkdir('persistent-setid');
    const volumes = [{ kind: 'persistent' as const, mount: '/data', hostPath: host }];
    const r = await probe(
      python,
      {
        prepare: `attempt(lambda: (open('/data/tool', 'w').write('x'), os.mkdir('/data/dir')))`,
        chmodSuid: `attempt(lambda: os.chmod('/data/tool', 0o4755))`,
        chmodSgid: `attempt(lambda: os.chmod('/data/tool', 0o2755))`,
        chmodSgidDir: `attempt(lambda: os.chmod('/data/dir', 0o2775))`,
        fchmodSuid: `attempt(lambda: os.fchmod(os.open('/data/tool', os.O_RDONLY), 0o4755))`,
        fchmodat2Suid: `sc('fchmodat2', -100, b'/data/tool', 0o4755, 0)`,
        // High bits beyond the mode must not hide the setuid bit from the filter.
        chmodHighBits: `sc('fchmodat2', -100, b'/data/tool', 0x10000 | 0o4755, 0)`,
        openCreatSuid: `attempt(lambda: os.open('/data/created', os.O_CREAT | os.O_WRONLY, 0o4755))`,
        openTmpfileSuid: `attempt(lambda: os.open('/data', os.O_TMPFILE | os.O_WRONLY, 0o4755))`,
        mknodSuid: `attempt(lambda: os.mknod('/data/node', stat.S_IFREG | 0o4755))`,
        openat2: `sc('openat2', -100, b'/data/tool', 0, 0)`,
        plainChmod: `attempt(lambda: os.chmod('/data/tool', 0o755))`,
        plainCreate: `attempt(lambda: os.close(os.open('/data/plain', os.O_CREAT | os.O_WRONLY, 0o644)))`,
        stickyTmp: `attempt(lambda: (os.mkdir('/tmp/shared'), os.chmod('/tmp/shared', 0o1777)))`,
      },
      volumes,
    );
    assert.deepEqual(r, {
      prepare: 'ok',
      chmodSuid: 'EPERM',
      chmodSgid: 'EPERM',
      chmodSgidDir: 'EPERM',
      fchmodSuid: 'EPERM',
      fchmodat2Suid: 'EPERM',
      chmodHighBits: 'EPERM',
      openCreatSuid: 'EPERM',
      openTmpfileSuid: 'EPERM',
      mknodSuid: 'EPERM',
      openat2: 'ENOSYS',
      plainChmod: 'ok',
      plainCreate: 'ok',
      stickyTmp: 'ok',
    });
    assert.deepEqual(setidFiles(host), []);
    assert.equal(lstatSync(join(host, 'tool')).mode & 0o7777, 0o755);
  });

  it('cannot use kernel interfaces a program has no use for (keyrings, io_uring, perf, bpf, setns)', async () => {
    const buf = (n: number) => `ctypes.create_string_buffer(${n})`;
    const r = await probe(python, {
      // KEYCTL_GET_KEYRING_ID of KEY_SPEC_USER_KEYRING: the keyring of host uid 0 when the node runs as root.
      keyctl: `sc('keyctl', 0, -4, 0)`,
      addKey: `sc('add_key', b'user', b'aleph', b'x', 1, -4)`,
      ioUring: `sc('io_uring_setup', 1, ${buf(120)})`,
      perf: `sc('perf_event_open', ${buf(128)}, 0, -1, -1, 0)`,
      bpf: `sc('bpf', 0, ${buf(128)}, 128)`,
      userfaultfd: `sc('userfaultfd', 1)`,
      setns: `sc('setns', -1, 0)`,
      // TIOCSTI types into a terminal; the request is compared on its low 32 bits, as the kernel reads it.
      tiocsti: `sc('ioctl', 1, 0x5412, b'x')`,
      tiocstiHighBits: `sc('ioctl', 1, 0x100005412, b'x')`,
      ordinaryIoctl: `sc('ioctl', 1, 0x5401, ${buf(64)})`,
    });
    assert.deepEqual(r, {
      keyctl: 'EPERM',
      addKey: 'EPERM',
      ioUring: 'EPERM',
      perf: 'EPERM',
      bpf: 'EPERM',
      userfaultfd: 'EPERM',
      setns: 'EPERM',
      tiocsti: 'EPERM',
      tiocstiHighBits: 'EPERM',
      ordinaryIoctl: 'ENOTTY',
    });
  });

  it('a call through another syscall ABI (x32 numbering) kills the program instead of slipping past the filter', {
    skip: process.arch !== 'x64' && 'x32 is an x86_64 ABI',
  }, async () => {
    const r = await runInSandbox({
      runtimeRoot: python,
      timeoutMs: 20_000,
      argv: [
        '/usr/bin/python3',
        '-c',
        'import ctypes\nctypes.CDLL(None).syscall(0x40000000 | 250, 0, ctypes.c_long(-4), 0)\nprint("survived")',
      ],
    });
    assert.doesNotMatch(r.stdout, /survived/);
    assert.equal(r.code, 159, r.reason); // 128 + SIGSYS: bwrap's init passes on how the program died
  });

  it('without libseccomp no sandbox starts, and the error says what to install', () => {
    assert.throws(
      () => compile(['/nonexistent/python3', '/bin/false']),
      (e: { code: string; hint: string; details: { tried: string[] } }) => {
        assert.equal(e.code, 'SANDBOX_SECCOMP_UNAVAILABLE');
        assert.match(e.hint, /python3-seccomp/);
        assert.equal(e.details.tried.length, 1); // the absent absolute path is skipped, /bin/false is tried
        return true;
      },
    );
  });
});
