/**
 * Launchers of pooled sandboxes (run INSIDE the sandbox, like sandbox/launchers.ts): the interpreter and its
 * server load, say `idle` on the control fd, and block reading one JSON line — the program's environment and
 * entry point — sent once its code and volumes are mounted. They close the control fd before the program's code
 * is imported, so the program never holds a channel to the compute node, then start exactly as the cold path's
 * command would (node-launcher.mjs, or `python -m uvicorn --fd … --app-dir /opt/code`).
 */

/** node pool-node.mjs <listen fd> <control fd> */
export const POOL_NODE_LAUNCHER = String.raw`
import fs from 'node:fs';
import http from 'node:http';
import { serve } from './node-launcher.mjs';
const [fd, ctl] = process.argv.slice(2).map(Number);
// A process's first import of a CommonJS and of an ES module, and its first HTTP exchange, run loader and server
// code nothing has run yet (several ms each): done here, on modules and a socket of its own, not the program's.
// Only a speed-up: if it fails, the program starts all the same.
try {
  await import('./warm.cjs');
  await import('./warm.mjs');
} catch {}
await new Promise((resolve) => {
  const server = http.createServer((req, res) => res.end('warm'));
  const done = () => { clearTimeout(timer); server.close(() => resolve()); };
  const timer = setTimeout(done, 2000);
  server.on('error', done);
  server.listen('/tmp/.aleph-warm.sock', () => {
    http.get({ socketPath: '/tmp/.aleph-warm.sock', path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', done);
    }).on('error', done);
  });
});
fs.writeSync(ctl, 'idle\n');
const buf = Buffer.alloc(65536);
let text = '';
while (!text.includes('\n')) {
  let n;
  try { n = fs.readSync(ctl, buf); } catch (e) {
    if (e.code !== 'EAGAIN') throw e;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    continue;
  }
  if (n === 0) process.exit(0);
  text += buf.toString('utf8', 0, n);
  if (text.length > 1 << 20) process.exit(70);
}
fs.closeSync(ctl);
const a = JSON.parse(text);
for (const [k, v] of Object.entries(a.env)) process.env[k] = v;
process.chdir('/opt/code');
process.argv.splice(2, process.argv.length, String(fd), a.file, ...(a.exportName ? [a.exportName] : []));
await serve(...process.argv.slice(2));
`;

/** Modules the pooled Node launcher imports to warm the loader (launcher files, never the program's). */
export const POOL_NODE_WARM_FILES = {
  'warm.cjs': 'exports.warm = (req, res) => res.end();\n',
  'warm.mjs': 'export const warm = (req, res) => res.end();\n',
};

/** python3 pool-asgi.py <listen fd> <control fd> */
export const POOL_ASGI_LAUNCHER = String.raw`
import json, os, sys
fd, ctl = int(sys.argv[1]), int(sys.argv[2])
import uvicorn.main
# What uvicorn imports when it loads an app (its default protocols, lifespan and loop: wsproto and h11 alone take
# ~25 ms), by the names its own config resolves, so that loading the app imports only the app.
import uvicorn.config, uvicorn.importer
for table in ('HTTP_PROTOCOLS', 'WS_PROTOCOLS', 'LIFESPAN', 'LOOP_SETUPS'):
    try: uvicorn.importer.import_from_string(getattr(uvicorn.config, table)['auto'])
    except Exception: pass
# The usual stack, when the runtime has it: what a FastAPI app would import first, and what it imports on its
# first request (anyio's backend, for a sync endpoint's thread).
for m in ('fastapi', 'starlette.applications', 'pydantic', 'anyio._backends._asyncio'):
    try: __import__(m)
    except Exception: pass
os.write(ctl, b'idle\n')
buf = b''
while b'\n' not in buf:
    c = os.read(ctl, 65536)
    if not c: os._exit(0)
    buf += c
    if len(buf) > 1 << 20: os._exit(70)
os.close(ctl)
a = json.loads(buf)
os.environ.update(a['env'])
os.chdir('/opt/code')
sys.path[0] = '/opt/code'
sys.argv = ['uvicorn', '--fd', str(fd), '--app-dir', '/opt/code', '--no-server-header', a['app']]
sys.exit(uvicorn.main.main())
`;
