import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import { bwrapArgs, type BwrapArgs } from './bwrapArgs.js';
import { exitReason, looksLikeOutOfMemory } from './exitReason.js';
import { splitLines } from './lineSplitter.js';
import { LISTEN_FD, SCRIPT_PORT, programCommand } from './programCommand.js';
import { listenSocket } from './listenSocket.js';
import { programPids, signalAll } from './processTree.js';
import { createResourceLimits, type ResourceLimits } from './resourceLimits.js';
import { resolveEntrypoint } from './resolveEntrypoint.js';
import type { SandboxExit, SandboxHandle, SandboxSpec } from './types.js';
import { waitForHttp } from './waitForHttp.js';
import { attachUserNetwork, BLOCK_FD, INFO_FD, RESOLV_CONF, type UserNetwork } from './userNetwork.js';
import { spawnBwrap } from './spawnBwrap.js';
import { assertSandboxHost } from './hostRequirements.js';
import { ownVolumeRoot } from './ownVolumeRoot.js';

const INSTANCE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** sun_path is 108 bytes including the NUL. */
const MAX_SOCKET_PATH = 107;
const STDERR_TAIL = 20;

/**
 * Starts one program in a bubblewrap sandbox and returns at once. Setup errors (bad entry point, missing
 * interpreter, bad volume) do not throw: they reject `ready` and resolve `exited`, like a failed start.
 * A program that never answers within `startTimeoutMs` is stopped and `ready` rejects with PROGRAM_NOT_LISTENING.
 */
export function startSandbox(spec: SandboxSpec): SandboxHandle {
  // In the instance's host dir, which the sandbox never sees: the program gets the socket as an fd (LISTEN_FD).
  const socketPath = join(spec.workDir, 'http.sock');
  let limits: ResourceLimits | null = null;
  try {
    if (!INSTANCE_ID.test(spec.instanceId))
      throw new AlephError('SANDBOX_START_FAILED', `invalid instance id '${spec.instanceId}'`, {
        hint: 'use [A-Za-z0-9_.-], at most 64 characters',
      });
    if (socketPath.length > MAX_SOCKET_PATH)
      throw new AlephError(
        'SANDBOX_START_FAILED',
        `socket path is ${socketPath.length} bytes, unix sockets allow ${MAX_SOCKET_PATH}`,
        { hint: 'use a shorter workDir', details: { socketPath } },
      );
    assertSandboxHost();
    if (!Number.isInteger(spec.hostUid) || spec.hostUid < 1000)
      throw new AlephError('SANDBOX_START_FAILED', `host uid ${spec.hostUid} is not an unprivileged uid`, {
        hint: "give each program a uid from the compute node's subordinate range",
        details: { hostUid: spec.hostUid },
      });
    const entry = resolveEntrypoint(spec.entrypoint, spec.codeDir);
    for (const v of spec.volumes) if (v.kind === 'persistent') ownVolumeRoot(v.hostPath, spec.hostUid);
    const cmd = programCommand(entry, spec.runtimeRoot, SCRIPT_PORT);
    const launcherDir = join(spec.workDir, 'launcher');
    mkdirSync(launcherDir, { recursive: true });
    for (const [name, body] of Object.entries(cmd.launcherFiles)) writeFileSync(join(launcherDir, name), body);
    if (spec.internet) writeFileSync(join(launcherDir, 'resolv.conf'), RESOLV_CONF);
    const args = bwrapArgs({
      runtimeRoot: spec.runtimeRoot,
      codeDir: spec.codeDir,
      launcherDir,
      volumes: spec.volumes,
      internet: spec.internet,
      tmpMiB: spec.memoryMiB,
      env: { ...spec.env, ...cmd.env },
      argv: cmd.argv,
      hostUid: spec.hostUid,
    });
    // A fresh cgroup per start: a reused one would still carry the previous run's OOM counter.
    limits = createResourceLimits(
      `${spec.instanceId}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      spec.memoryMiB,
      spec.vcpus,
      spec.pids,
    );
    return run(spec, socketPath, args, limits);
  } catch (e) {
    void limits?.release();
    const err =
      e instanceof AlephError
        ? e
        : new AlephError('SANDBOX_START_FAILED', `could not start the sandbox: ${(e as Error).message}`, { cause: e });
    spec.onLog('system', `failed to start: ${err.message}`);
    const ready = Promise.reject(err);
    ready.catch(() => {});
    return {
      socketPath,
      pid: 0,
      ready,
      exited: Promise.resolve({ code: null, signal: null, reason: `failed to start: ${err.message}` }),
      stop: async () => {},
    };
  }
}

function run(spec: SandboxSpec, socketPath: string, args: BwrapArgs, limits: ResourceLimits): SandboxHandle {
  const listener = listenSocket(socketPath);
  let child: ReturnType<typeof spawnBwrap>;
  const fds: Record<number, number | 'pipe'> = { [LISTEN_FD]: listener.fd };
  if (spec.internet) Object.assign(fds, { [INFO_FD]: 'pipe', [BLOCK_FD]: 'pipe' });
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
  spec.onLog(
    'system',
    `starting ${spec.entrypoint} (memory ${spec.memoryMiB} MiB, ${spec.vcpus} vCPU, ${limits.mechanism}, internet ${spec.internet ? 'on' : 'off'})`,
  );

  const out = splitLines(child.stdout!, (l) => spec.onLog('stdout', l));
  const err = splitLines(child.stderr!, (l) => {
    if (
      /^(bwrap: |usage: bwrap|mount: |unshare: |setpriv: |touch: |mkdir: |choom: )/.test(l) ||
      /^aleph-(cgroup|stage):/.test(l)
    )
      startError ??= l;
    if (looksLikeOutOfMemory(l)) rlimitOom = true;
    stderrTail.push(l);
    if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
    spec.onLog('stderr', l);
  });

  let net: UserNetwork | null = null;
  if (spec.internet) {
    net = attachUserNetwork(child, (l) => spec.onLog('system', l));
    net.ready.catch((e: Error) => {
      startError ??= e.message;
      signalAll([child.pid!, ...(limits.pids() ?? [])], 'SIGKILL');
    });
  }

  const exited = new Promise<SandboxExit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      net?.stop();
      // Output may still be in the pipes; wait for it briefly so the reason is logged after the program's last line.
      const drained = Promise.race([Promise.all([out, err]), new Promise((r) => setTimeout(r, 500))]);
      void drained.then(() => {
        const oom = limits.oomKilled() || (limits.mechanism === 'rlimit' && rlimitOom);
        const result = exitReason({ code, signal, stopRequested, oom, memoryMiB: spec.memoryMiB });
        done = true;
        spec.onLog('system', result.reason);
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

  const deadline = Date.now() + (spec.startTimeoutMs ?? 15_000);
  const ready = waitForHttp(socketPath, deadline, () => done).then(async (state) => {
    if (state === 'ready') return;
    if (state === 'timeout') {
      await stop(1000);
      throw new AlephError(
        'PROGRAM_NOT_LISTENING',
        `${spec.entrypoint} did not answer HTTP within ${spec.startTimeoutMs ?? 15_000} ms`,
        {
          hint: 'a script must listen on $PORT; an ASGI app must be importable as module:app; a Node module must export a handler',
          details: { instanceId: spec.instanceId, stderr: stderrTail.slice() },
        },
      );
    }
    const exit = await exited;
    if (startError !== null) {
      throw new AlephError('SANDBOX_START_FAILED', `the sandbox did not start: ${startError}`, {
        details: { instanceId: spec.instanceId, stderr: stderrTail.slice() },
      });
    }
    const code = exit.reason.startsWith('killed: out of memory') ? 'PROGRAM_OOM' : 'PROGRAM_EXITED';
    throw new AlephError(code, `${spec.entrypoint} ${exit.reason} before answering HTTP`, {
      hint:
        code === 'PROGRAM_OOM'
          ? 'raise resources.memory or lower what the program loads at start'
          : 'see the stderr lines in details',
      details: { instanceId: spec.instanceId, ...exit, stderr: stderrTail.slice() },
    });
  });
  ready.catch(() => {});

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

  return { socketPath, pid: child.pid ?? 0, ready, exited, stop };
}
