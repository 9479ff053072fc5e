import { spawn, type ChildProcess } from 'node:child_process';
import { SECCOMP_FD, type BwrapArgs } from './bwrapArgs.js';

/**
 * Spawns `prefix… bwrap --args 3 -- command…` with the options written NUL-separated to fd 3 and the seccomp
 * program to fd 4. stdout/stderr are pipes; the child's environment is only PATH (bwrap --clearenv sets the program's own).
 */
export function spawnBwrap(prefix: string[], args: BwrapArgs): ChildProcess {
  const [cmd, ...rest] = [...prefix, 'bwrap', '--args', '3', '--', ...args.command];
  const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  const feed = (fd: number, data: Buffer) => {
    const w = child.stdio[fd] as NodeJS.WritableStream;
    w.on('error', () => {}); // bwrap may exit before reading it; the exit is reported instead
    w.end(data);
  };
  feed(3, Buffer.from(args.options.map((a) => a + '\0').join('')));
  feed(SECCOMP_FD, args.seccomp);
  return child;
}
