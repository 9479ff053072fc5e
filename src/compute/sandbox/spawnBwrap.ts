import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Spawns `prefix… bwrap --args 3 -- command…` with the options written NUL-separated to fd 3.
 * stdout/stderr are pipes; the child's environment is only PATH (bwrap --clearenv sets the program's own).
 */
export function spawnBwrap(prefix: string[], args: { options: string[]; command: string[] }): ChildProcess {
  const [cmd, ...rest] = [...prefix, 'bwrap', '--args', '3', '--', ...args.command];
  const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  const fd3 = child.stdio[3] as NodeJS.WritableStream;
  fd3.on('error', () => {}); // bwrap may exit before reading it; the exit is reported instead
  fd3.end(Buffer.from(args.options.map((a) => a + '\0').join('')));
  return child;
}
