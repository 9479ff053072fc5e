import { spawn, type ChildProcess } from 'node:child_process';
import { SECCOMP_FD, type BwrapArgs } from './bwrapArgs.js';
import { closeFdsPrefix, inheritableFds } from './inheritedFds.js';

/**
 * OOM score of every program (util-linux `choom`): when the host itself runs out of memory the kernel kills a
 * program before the node, and a program never inherits a protection the operator gave the node (a negative
 * score); it can lower its score back to 0, never below.
 */
export const PROGRAM_OOM_SCORE_ADJ = 500;

/**
 * Spawns `prefix… choom… unshare… setpriv… bwrap --args 3 -- command…` with the options written NUL-separated to fd 3 and the
 * seccomp program to fd 4; `passFds` (child fd → parent fd or a new pipe, above 4) reach bwrap as they are, and
 * no other fd does. stdout/stderr are pipes; the child's environment is only PATH (bwrap --clearenv sets the program's own).
 */
export function spawnBwrap(
  prefix: string[],
  args: BwrapArgs,
  passFds: Record<number, number | 'pipe'> = {},
): ChildProcess {
  const stdio: Array<'ignore' | 'pipe' | number> = ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'];
  for (const [childFd, parentFd] of Object.entries(passFds)) {
    for (let i = stdio.length; i < Number(childFd); i++) stdio.push('ignore');
    stdio[Number(childFd)] = parentFd;
  }
  // Fds this process inherited stay open across exec; only those the child gets from `stdio` are replaced.
  const leaked = inheritableFds().filter((fd) => fd >= stdio.length || stdio[fd] === 'ignore');
  const oom = ['choom', '-n', String(PROGRAM_OOM_SCORE_ADJ), '--'];
  const [cmd, ...rest] = [
    ...closeFdsPrefix(leaked),
    ...prefix,
    ...oom,
    ...args.dropPrivileges,
    'bwrap',
    '--args',
    '3',
    '--',
    ...args.command,
  ];
  const child = spawn(cmd, rest, { stdio, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  const feed = (fd: number, data: Buffer) => {
    const w = child.stdio[fd] as NodeJS.WritableStream;
    w.on('error', () => {}); // bwrap may exit before reading it; the exit is reported instead
    w.end(data);
  };
  feed(3, Buffer.from(args.options.map((a) => a + '\0').join('')));
  feed(SECCOMP_FD, args.seccomp);
  return child;
}
