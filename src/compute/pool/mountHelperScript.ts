/**
 * The privileged side of a pooled sandbox's assignment, run by the host's python3 as root (the compute node is
 * root anyway; Node has no way to make these system calls). Each request (a length line, then JSON) is read from
 * stdin, carried out and answered (one JSON line on stdout) by a child forked before it arrived, so the helper
 * itself never leaves the host's namespaces.
 *
 * A request mounts a program's code and volumes into the mount namespace of a pooled sandbox that waits for its
 * program (no program code has run in it yet). Sources are prepared as the cold path prepares them
 * (dropPrivileges.ts): in a private mount namespace, on a private tmpfs at the same staging path, a read-only
 * source becomes an overlay of itself (so the sandbox's mountinfo names no host path), a writable one a bind.
 * Each is then cloned as a detached mount (open_tree), made read-only/nosuid/nodev as the cold path's are
 * (mount_setattr), and — after setns into the sandbox — attached at its mount point (move_mount). Mount points
 * are created as the sandbox's uid (setfsuid), one directory at a time, refusing symlinks; the sandbox's root is
 * writable only while they are made. /tmp and /dev/shm are resized to the program's memory as the cold path sizes them.
 * System call numbers 428–442 are the same on every architecture (the new mount API's common numbering).
 */
export const MOUNT_HELPER = String.raw`
import ctypes, json, os, stat, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR_open_tree, NR_move_mount, NR_fsopen, NR_fsconfig, NR_fsmount, NR_fspick, NR_mount_setattr = 428, 429, 430, 431, 432, 433, 442
AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW = -100, 0x1000, 0x100
OPEN_TREE_CLONE, O_CLOEXEC = 1, 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 4
RDONLY, NOSUID, NODEV = 1, 2, 4
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 0x4000, 1 << 18
CLONE_NEWNS = 0x20000
FSCONFIG_SET_STRING, FSCONFIG_CMD_CREATE, FSCONFIG_CMD_RECONFIGURE = 1, 6, 7

class Fail(Exception): pass

def check(r, what):
    if r < 0:
        e = ctypes.get_errno()
        raise Fail('%s: %s' % (what, os.strerror(e)))
    return r

def b(s): return s.encode() if isinstance(s, str) else s

def mount(src, dst, fstype, flags, data):
    check(libc.mount(b(src) if src else None, b(dst), b(fstype) if fstype else None, ctypes.c_ulong(flags), b(data) if data else None), 'mount %s' % dst)

class MountAttr(ctypes.Structure):
    _fields_ = [('attr_set', ctypes.c_uint64), ('attr_clr', ctypes.c_uint64), ('propagation', ctypes.c_uint64), ('userns_fd', ctypes.c_uint64)]

def setattr_(dfd, path, flags, set_=0, clr=0):
    a = MountAttr(set_, clr, 0, 0)
    check(libc.syscall(NR_mount_setattr, dfd, b(path), flags, ctypes.byref(a), ctypes.sizeof(a)), 'mount_setattr %s' % path)

def clone_tree(path):
    return check(libc.syscall(NR_open_tree, AT_FDCWD, b(path), OPEN_TREE_CLONE | O_CLOEXEC), 'open_tree %s' % path)

def fsconf(fd, key, value, cmd=FSCONFIG_SET_STRING):
    check(libc.syscall(NR_fsconfig, fd, cmd, b(key) if key else None, b(value) if value else None, 0), 'fsconfig %s' % key)

def tmpfs(size, uid):
    fd = check(libc.syscall(NR_fsopen, b'tmpfs', 1), 'fsopen tmpfs')
    for k, v in (('size', str(size)), ('mode', '0755'), ('uid', str(uid)), ('gid', str(uid))): fsconf(fd, k, v)
    fsconf(fd, None, None, FSCONFIG_CMD_CREATE)
    return check(libc.syscall(NR_fsmount, fd, 1, NOSUID | NODEV), 'fsmount tmpfs')

def resize(path, size):
    fd = check(libc.syscall(NR_fspick, AT_FDCWD, b(path), 1 | 2), 'fspick %s' % path)
    fsconf(fd, 'size', str(size))
    fsconf(fd, None, None, FSCONFIG_CMD_RECONFIGURE)
    os.close(fd)

def mount_point(path, is_file):
    # Made inside the sandbox: one component at a time, never through a symlink.
    parts = [p for p in path.split('/') if p]
    cur = ''
    for i, p in enumerate(parts):
        cur += '/' + p
        last = i == len(parts) - 1
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            if last and is_file: os.close(os.open(cur, os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_WRONLY, 0o644))
            else: os.mkdir(cur, 0o755)
            continue
        if stat.S_ISLNK(st.st_mode): raise Fail('mount point %s passes through a symlink' % path)
        if not last and not stat.S_ISDIR(st.st_mode): raise Fail('mount point %s: %s is not a directory' % (path, cur))

def assign(req):
    stage = req['stage']
    ns = os.open(req['ns'], os.O_RDONLY | os.O_CLOEXEC)
    if os.fstat(ns).st_ino != req['ino']: raise Fail('the pooled sandbox is gone')
    check(libc.unshare(CLONE_NEWNS), 'unshare')
    mount(None, '/', None, MS_REC | MS_PRIVATE, None)
    mount('aleph-stage', stage, 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=0711,size=64k')
    empty = stage + '/e'
    os.mkdir(empty, 0o711)
    trees = []
    for i, m in enumerate(req['mounts']):
        kind, at = m['kind'], m['at']
        if kind == 'tmpfs':
            trees.append((tmpfs(m['size'], req['uid']), at, False))
            continue
        host = m['host']
        is_file = not os.path.isdir(host)
        if kind == 'rw':
            fd = clone_tree(host)
            setattr_(fd, '', AT_EMPTY_PATH, NOSUID | NODEV)
            trees.append((fd, at, is_file))
            continue
        lower, top = '%s/b%d' % (stage, i), '%s/s%d' % (stage, i)
        os.mkdir(lower, 0o711); os.mkdir(top, 0o711)
        mount(os.path.dirname(host) if is_file else host, lower, None, MS_BIND, None)
        try:
            mount('aleph', top, 'overlay', MS_RDONLY | MS_NOSUID | MS_NODEV, 'lowerdir=%s:%s' % (lower, empty))
        except Fail:
            mount(lower, top, None, MS_BIND, None)
        fd = clone_tree(top + '/' + os.path.basename(host) if is_file else top)
        setattr_(fd, '', AT_EMPTY_PATH, RDONLY | NOSUID | NODEV)
        trees.append((fd, at, is_file))
    check(libc.setns(ns, CLONE_NEWNS), 'setns')
    os.chdir('/')
    for p in ('/tmp', '/dev/shm'): resize(p, req['tmpBytes'])
    libc.setfsgid(req['uid']); libc.setfsuid(req['uid'])
    setattr_(AT_FDCWD, '/', 0, clr=RDONLY)
    try:
        for fd, at, is_file in trees:
            mount_point(at, is_file)
            check(libc.syscall(NR_move_mount, fd, b'', AT_FDCWD, b(at), MOVE_MOUNT_F_EMPTY_PATH), 'move_mount %s' % at)
    finally:
        setattr_(AT_FDCWD, '/', 0, set_=RDONLY)

def read_exactly(n):
    out = b''
    while len(out) < n:
        c = os.read(0, n - len(out))
        if not c: raise EOFError()
        out += c
    return out

def serve_one():
    # One request, read straight from stdin (a length line, then that many bytes of JSON, so that nothing of the
    # next request is read), carried out, and answered straight on stdout: no hop through the parent either way.
    try:
        head = b''
        while not head.endswith(b'\n'):
            head += read_exactly(1)
            if len(head) > 12: raise EOFError()
        req = json.loads(read_exactly(int(head)))
    except (EOFError, ValueError):
        os._exit(3)
    try:
        assign(req)
        ok, error = True, None
    except BaseException as e:
        ok, error = False, str(e)[:1000] or 'the helper failed'
    os.write(1, (json.dumps({'id': req['id'], 'ok': ok, 'error': error}) + '\n').encode())
    os._exit(0)

# Each child is forked before its request arrives, so a request costs no fork.
while True:
    pid = os.fork()
    if pid == 0: serve_one()
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3: break
    # A child that died without answering: its request, the oldest unanswered one, fails (id -1).
    if status != 0: os.write(1, (json.dumps({'id': -1, 'ok': False, 'error': 'the helper died (wait status %d)' % status}) + '\n').encode())
`;
