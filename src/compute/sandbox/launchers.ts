/**
 * Small programs written into each instance's launcher dir (mounted read-only at /opt/aleph) and run INSIDE the
 * sandbox. They are strings rather than files next to this module because `tsc` only emits .ts, and the runtime
 * (which may be a user-supplied rootfs) cannot be expected to carry them.
 *
 * All of them serve HTTP on a unix socket the node created and passed as an fd (LISTEN_FD): the sandbox's network
 * namespace has no route to the host, but a socket is reachable from both sides, with or without internet.
 */

/**
 * node node-launcher.mjs <fd> <file> [export] — serves an exported (req,res) handler or http.Server. A pooled
 * sandbox imports it before it has a program and calls `serve` once it has one (pooledLaunchers.ts).
 */
export const NODE_LAUNCHER = String.raw`
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
export async function serve(fd, file, exportName) {
  const mod = await import(pathToFileURL(file).href);
  const pick = (m, name) => (m == null ? undefined : m[name]);
  let target = exportName
    ? pick(mod, exportName) ?? pick(mod.default, exportName)
    : mod.default ?? mod.handler ?? mod.app ?? mod.server;
  if (target && typeof target === 'object' && typeof target.default === 'function') target = target.default;
  let server;
  if (typeof target === 'function') server = http.createServer(target);
  else if (target instanceof net.Server) server = target;
  else {
    console.error('aleph: ' + file + ' exports no ' + (exportName ?? 'default/handler/app/server') + ' (want a (req, res) function or an http.Server)');
    process.exit(70);
  }
  const listen = () => server.listen({ fd: Number(fd) }, () => console.error('aleph: listening'));
  // A module that already listened on a TCP port is moved to the socket: the port is unreachable from outside anyway.
  if (server.listening) server.close(listen); else listen();
  process.on('SIGTERM', () => { server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref(); });
}
if (process.argv[1] === fileURLToPath(import.meta.url)) await serve(...process.argv.slice(2));
`;

/**
 * python3 port-bridge.py <fd> <port> <argv...> — runs the script as a child and forwards each connection on
 * the socket to 127.0.0.1:<port>; exits with the script's status so the sandbox's exit reason is the script's.
 */
export const PYTHON_BRIDGE = String.raw`
import asyncio, os, signal, socket, subprocess, sys
fd, port, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
async def pipe(r, w):
    try:
        while True:
            b = await r.read(65536)
            if not b: break
            w.write(b); await w.drain()
    except OSError: pass
    finally:
        try: w.close()
        except OSError: pass
async def handle(cr, cw):
    try: ur, uw = await asyncio.open_connection('127.0.0.1', port)
    except OSError:
        cw.close(); return
    await asyncio.gather(pipe(cr, uw), pipe(ur, cw))
async def main():
    # Popen + a waiting thread rather than asyncio's child watcher, which races with signals sent to the group.
    listener = socket.socket(fileno=fd)
    proc = subprocess.Popen(argv)
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT): loop.add_signal_handler(s, proc.send_signal, s)
    await asyncio.start_unix_server(handle, sock=listener)
    code = await loop.run_in_executor(None, proc.wait)
    os._exit(code if code >= 0 else 128 - code)
asyncio.run(main())
`;

/** The same bridge for runtimes that have node but no python3. */
export const NODE_BRIDGE = String.raw`
import net from 'node:net';
import { spawn } from 'node:child_process';
const [fd, port, ...argv] = process.argv.slice(2);
const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
net.createServer((c) => {
  const u = net.connect(Number(port), '127.0.0.1');
  c.pipe(u).pipe(c);
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
}).listen({ fd: Number(fd) });
`;
