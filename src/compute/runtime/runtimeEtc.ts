import { existsSync, readFileSync } from 'node:fs';
import type { RootfsWriter } from './rootfsWriter.js';
import type { RuntimeInfo } from './types.js';

/** Where a runtime describes itself; `runtime-checker` reads it and `checkRuntime` compares it with a live probe. */
export const RUNTIME_INFO_PATH = '/etc/aleph-runtime.json';

/**
 * The few /etc files programs expect: users for uid 1000 (the sandbox uid), names for loopback, name service
 * order, CA certificates (for HTTPS when internet is on), os-release and mime types.
 */
export function writeRuntimeEtc(w: RootfsWriter, info: RuntimeInfo): void {
  w.writeFile(
    '/etc/passwd',
    'root:x:0:0:root:/root:/bin/sh\naleph:x:1000:1000:aleph:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  w.writeFile('/etc/group', 'root:x:0:\naleph:x:1000:\nnogroup:x:65534:\n');
  w.writeFile('/etc/hosts', '127.0.0.1\tlocalhost aleph\n::1\tlocalhost ip6-localhost\n');
  w.writeFile('/etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  const bundle = '/etc/ssl/certs/ca-certificates.crt';
  if (existsSync(bundle)) {
    w.writeFile(bundle, readFileSync(bundle, 'utf8'));
    w.symlink('/etc/ssl/certs', '/usr/lib/ssl/certs');
    w.symlink(bundle, '/usr/lib/ssl/cert.pem');
  }
  for (const f of ['/usr/lib/os-release', '/etc/mime.types'])
    if (existsSync(f)) w.writeFile(f, readFileSync(f, 'utf8'));
  w.symlink('../usr/lib/os-release', '/etc/os-release');
  w.writeFile(RUNTIME_INFO_PATH, JSON.stringify(info, null, 2) + '\n');
}
