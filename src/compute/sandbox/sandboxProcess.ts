import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { AlephError } from '../../errors.js';
import type { BwrapArgs } from './bwrapArgs.js';
import { exitReason, looksLikeOutOfMemory } from './exitReason.js';
import { splitLines } from './lineSplitter.js';
import { LISTEN_FD } from './programCommand.js';
import { listenSocket } from './listenSocket.js';
import { programPids, signalAll } from './processTree.js';
import type { ResourceLimits } from './resourceLimits.js';
import type { LogStream, SandboxExit, SandboxHandle } from './types.js';
import { waitForHttp } from './waitForHttp.js';
import { attachUserNetwork, BLOCK_FD, INFO_FD, type UserNetwork } from './userNetwork.js';
import { spawnBwrap } from './spawnBwrap.js';
import { within } from '../within.js';

const STDERR_TAIL = 20;

/**
 * What a running sandbox reports under, changeable once: a pooled sandbox starts under the pool's name and
 * takes its program's (logs, memory for the exit reason, entry point for errors) when it is assigned.
 */
export interface SandboxContext {
  instanceId: string;
  entrypoint: string;
  memoryMiB: number;
  onLog(stream: LogStream, line: string): void;
}

/** One spawned sandbox process: its exit, its stop, and what its stderr said about a failed start. */
export interface SandboxProcess {
  child: ChildProcess;
  exited: Promise<SandboxExit>;
  done(): boolean;
  stop(graceMs?: number): Promise<void>;
  startError(): string | null;
  stderrTail: string[];
}

/**
 * Spawns bwrap with the HTTP socket on LISTEN_FD (and the user network when `internet`), logs its output through
 * `ctx`, and tracks its exit. `extraFds` (child fd → 'pipe') reach the program as they are.
 */
export function spawnSandbox(
  ctx: SandboxContext,
  socketPath: string,
  args: BwrapArgs,
  limits: ResourceLimits,
  internet: boolean,
  extraFds: Record<number, 'pipe'> = {},
): SandboxProcess {
  const listener = listenSocket(socketPath);
  let child: ChildProcess;
  const fds: Record<number, number | 'pipe'> = { [LISTEN_FD]: listener.fd, ...extraFds };
  if (internet) Object.assign(fds, { [INFO_FD]: 'pipe', [BLOCK_FD]: 'pipe' });
  try {
    child = spawnBwrap(limits.prefix, args, fds);
  } finally {
    listener.close();
  }

  let done = false;
  let stopRequested = false;
  let startError: string | null = null;
  let rlimitOom = false;
  const stderrTail: string[] = [];

  const out = splitLines(child.stdout!, (l) => ctx.onLog('stdout', l));
  const err = splitLines(child.stderr!, (l) => {
    if (
      /^(bwrap: |usage: bwrap|mount: |unshare: |setpriv: |touch: |mkdir: |choom: )/.test(l) ||
      /^aleph-(cgroup|stage):/.test(l)
    )
      startError ??= l;
    if (looksLikeOutOfMemory(l)) rlimitOom = true;
    stderrTail.push(l);
    if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
    ctx.onLog('stderr', l);
  });

  let net: UserNetwork | null = null;
  if (internet) {
    net = attachUserNetwork(child, (l) => ctx.onLog('system', l));
    net.ready.catch((e: Error) => {
      startError ??= e.message;
      signalAll([child.pid!, ...(limits.pids() ?? [])], 'SIGKILL');
    });
  }

  const exited = new Promise<SandboxExit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      net?.stop();
      // Output may still be in the pipes; wait for it briefly so the reason is logged after the program's last line.
      const drained = within(Promise.all([out, err]), 500);
      void drained.then(() => {
        const oom = limits.oomKilled() || (limits.mechanism === 'rlimit' && rlimitOom);
        const result = exitReason({ code, signal, stopRequested, oom, memoryMiB: ctx.memoryMiB });
        done = true;
        ctx.onLog('system', result.reason);
        rmSync(socketPath, { force: true });
        void limits.release().then(() => resolve(result));
      });
    };
    child.on('exit', finish);
    child.on('error', (e) => {
      startError ??= e.message;
      finish(null, null);
    });
  });

  async function stop(graceMs = 3000): Promise<void> {
    if (done) return;
    stopRequested = true;
    signalAll(programPids(child.pid!), 'SIGTERM');
    const timer = setTimeout(() => {
      // Killing the outer bwrap takes the pid namespace down with it (--die-with-parent); the cgroup catches strays.
      signalAll([child.pid!, ...(limits.pids() ?? [])], 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  return { child, exited, done: () => done, stop, startError: () => startError, stderrTail };
}

/**
 * The handle of a started program: `ready` once it answers HTTP on its socket (PROGRAM_NOT_LISTENING past
 * `timeoutMs`, after which it is stopped; PROGRAM_EXITED, PROGRAM_OOM or SANDBOX_START_FAILED when it exits first).
 */
export function programHandle(
  ctx: SandboxContext,
  proc: SandboxProcess,
  socketPath: string,
  timeoutMs: number,
): SandboxHandle {
  const deadline = Date.now() + timeoutMs;
  const ready = waitForHttp(socketPath, deadline, proc.done).then(async (state) => {
    if (state === 'ready') return;
    if (state === 'timeout') {
      await proc.stop(1000);
      throw new AlephError('PROGRAM_NOT_LISTENING', `${ctx.entrypoint} did not answer HTTP within ${timeoutMs} ms`, {
        hint: 'a script must listen on $PORT; an ASGI app must be importable as module:app; a Node module must export a handler',
        details: { instanceId: ctx.instanceId, stderr: proc.stderrTail.slice() },
      });
    }
    const exit = await proc.exited;
    const startError = proc.startError();
    if (startError !== null) {
      throw new AlephError('SANDBOX_START_FAILED', `the sandbox did not start: ${startError}`, {
        details: { instanceId: ctx.instanceId, stderr: proc.stderrTail.slice() },
      });
    }
    const code = exit.reason.startsWith('killed: out of memory') ? 'PROGRAM_OOM' : 'PROGRAM_EXITED';
    throw new AlephError(code, `${ctx.entrypoint} ${exit.reason} before answering HTTP`, {
      hint:
        code === 'PROGRAM_OOM'
          ? 'raise resources.memory or lower what the program loads at start'
          : 'see the stderr lines in details',
      details: { instanceId: ctx.instanceId, ...exit, stderr: proc.stderrTail.slice() },
    });
  });
  ready.catch(() => {});
  return { socketPath, pid: proc.child.pid ?? 0, ready, exited: proc.exited, stop: proc.stop };
}
