import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SandboxFixture, get } from '../testing/sandboxFixture.js';

/** An ASGI app that attacks its sandbox on /attack (ptrace of pid 1 and of its parent, a new user namespace). */
const ATTACKER = String.raw`
import ctypes, errno, json, os, platform
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_SEIZE, CLONE_NEWUSER = 16, 0x4206, 0x10000000
NR_CLONE3 = {'x86_64': 435, 'aarch64': 435}[platform.machine()]
def res(r):
    return 'ok' if r >= 0 else errno.errorcode[ctypes.get_errno()]
def ptrace(req, pid):
    return res(libc.ptrace(ctypes.c_long(req), ctypes.c_long(pid), None, None))
def attack():
    ppid = os.getppid()
    out = {
        'attachInit': ptrace(PTRACE_ATTACH, 1), 'seizeInit': ptrace(PTRACE_SEIZE, 1),
        'attachParent': ptrace(PTRACE_ATTACH, ppid), 'seizeParent': ptrace(PTRACE_SEIZE, ppid),
        'unshareUser': res(libc.unshare(CLONE_NEWUSER)),
        'clone3': res(libc.syscall(NR_CLONE3, None, ctypes.c_long(0))),
    }
    pid = os.fork()  # glibc's fork is clone: still works
    if pid == 0: os._exit(7)
    out['fork'] = os.waitpid(pid, 0)[1] >> 8
    return out
async def app(scope, receive, send):
    if scope['type'] != 'http':
        return
    body = json.dumps(attack() if scope['path'] == '/attack' else {'alive': True}).encode()
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'application/json')]})
    await send({'type': 'http.response.body', 'body': body})
`;

describe('sandbox privileges: tracing and namespaces', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());

  it('ptrace (attach and seize) of pid 1 and of its parent gets EPERM, no user namespace can be made, and the program keeps answering', async () => {
    const { handle } = await fx.start('python', { codeDir: fx.code({ 'main.py': ATTACKER }), entrypoint: 'main:app' });
    await handle.ready;
    const r = await get(handle.socketPath, '/attack');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), {
      attachInit: 'EPERM',
      seizeInit: 'EPERM',
      attachParent: 'EPERM',
      seizeParent: 'EPERM',
      unshareUser: 'EPERM',
      clone3: 'ENOSYS',
      fork: 7,
    });
    // Not wedged: it answers at once, again and again.
    for (let i = 0; i < 3; i++) assert.deepEqual(JSON.parse((await get(handle.socketPath, '/')).body), { alive: true });
  });
});
