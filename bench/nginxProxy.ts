// nginx from Debian's `nginx` package as a reference proxy for bench/compute.ts: one worker, keep-alive upstream
// to the same unix socket the compute node forwards to. Absent nginx, the bench skips the row with a note.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { procStat } from './procStat.js';
import { freePort } from '../src/node/testing/freePort.js';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;

export interface NginxProxy {
  url: string;
  version: string;
  /** CPU time nginx has used so far (master and workers), in microseconds, at the kernel's tick resolution. */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** utime + stime of `pid` and its children (nginx's master and its worker). */
function procCpuMicros(pid: number): number {
  const pids = [
    pid,
    ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  ];
  return pids.reduce((total, p) => total + (procStat(p)?.cpuMicros ?? 0), 0);
}

/** Starts nginx in the foreground under `dir`, proxying 127.0.0.1:{free port} to `socketPath`. */
export async function startNginxProxy(dir: string, socketPath: string): Promise<NginxProxy> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx)');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const conf = `
${root ? 'user root root;' : ''}
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream program { server unix:${socketPath}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://program;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host localhost;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const version = spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.replace('nginx version: ', '');
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  // Ready once it accepts a connection on its port.
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((ok) =>
      net
        .connect(port, '127.0.0.1')
        .once('connect', function (this: net.Socket) {
          this.destroy();
          ok(true);
        })
        .once('error', () => ok(false)),
    );
    if (up) break;
    if (child.exitCode !== null || i > 200) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    version: version.trim() || 'nginx',
    cpuMicros: () => procCpuMicros(child.pid!),
    stop: async () => {
      child.kill('SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      child.kill('SIGKILL');
    },
  };
}
