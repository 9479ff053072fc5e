import type { Socket } from 'node:net';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import { bwrapArgs } from '../sandbox/bwrapArgs.js';
import { assertSandboxHost } from '../sandbox/hostRequirements.js';
import { NODE_LAUNCHER } from '../sandbox/launchers.js';
import { assertVolumeMount } from '../sandbox/mountLayout.js';
import { descendants, pssOf } from '../sandbox/processTree.js';
import { LISTEN_FD, SANDBOX_PATHS, findInRuntime } from '../sandbox/programCommand.js';
import { createResourceLimits, DEFAULT_PIDS_MAX, type PidLimits } from '../sandbox/resourceLimits.js';
import { resolveEntrypoint } from '../sandbox/resolveEntrypoint.js';
import { programHandle, spawnSandbox, type SandboxContext } from '../sandbox/sandboxProcess.js';
import { startingLine } from '../sandbox/startSandbox.js';
import type { LogStream, SandboxExit, SandboxHandle, SandboxSpec } from '../sandbox/types.js';
import { RESOLV_CONF } from '../sandbox/userNetwork.js';
import type { HelperMount, MountHelper } from './mountHelper.js';
import { POOL_ASGI_LAUNCHER, POOL_NODE_LAUNCHER, POOL_NODE_WARM_FILES } from './pooledLaunchers.js';

/** Which interpreter a pooled sandbox has loaded: Node modules, or Python ASGI apps under uvicorn. */
export type PoolKind = 'node' | 'asgi';

/** The fd on which a pooled sandbox's launcher says `idle` and reads its program. */
export const CONTROL_FD = 8;
const MiB = 1024 * 1024;
const MAX_IDLE_LINE = 64;

export interface PooledSandboxSpec {
  instanceId: string;
  runtimeRoot: string;
  kind: PoolKind;
  /** Decided by the pool the sandbox belongs to: a program is only ever given a sandbox of its own setting. */
  internet: boolean;
  workDir: string;
  /** Leased for this sandbox alone (ProgramUids.lease), for its whole life. */
  hostUid: number;
  /** Memory (and /tmp size) while it waits; the program's own limits replace it at assignment. */
  memoryMiB: number;
  pids?: PidLimits | undefined;
  fillTimeoutMs?: number;
  /** Output before a program is assigned (the launcher's own; nothing of any program). */
  onLog(stream: LogStream, line: string): void;
}

/**
 * A sandbox started exactly as the cold path starts one (same bwrap arguments, staging, uid drop, seccomp,
 * cgroup, network), but with an empty /opt/code and a launcher that has loaded its interpreter and waits. It is
 * given one program for its whole life: `assign` mounts the program's code and volumes into its mount namespace
 * (MountHelper), sets the program's limits on its cgroup, and lets the launcher import the entry point.
 */
export class PooledSandbox {
  readonly idle: Promise<void>;
  readonly exited: Promise<SandboxExit>;
  private readonly ctx: SandboxContext;
  private readonly proc: ReturnType<typeof spawnSandbox>;
  private readonly limits: ReturnType<typeof createResourceLimits>;
  private readonly socketPath: string;
  private ns: { path: string; ino: number } | null = null;
  private assigned = false;

  constructor(
    readonly spec: PooledSandboxSpec,
    private readonly helper: MountHelper,
  ) {
    assertSandboxHost();
    this.socketPath = join(spec.workDir, 'http.sock');
    const interpreter = findInRuntime(spec.runtimeRoot, spec.kind === 'node' ? 'node' : 'python3');
    if (!interpreter)
      throw new AlephError(
        'RUNTIME_MISSING_INTERPRETER',
        `the runtime has no ${spec.kind === 'node' ? 'node' : 'python3'}`,
        {
          hint: 'pool sandboxes only for runtimes that carry the interpreter',
          details: { runtimeRoot: spec.runtimeRoot, interpreter: spec.kind },
        },
      );
    const launcherDir = join(spec.workDir, 'launcher');
    mkdirSync(launcherDir, { recursive: true });
    const script = spec.kind === 'node' ? 'pool-node.mjs' : 'pool-asgi.py';
    if (spec.kind === 'node') {
      writeFileSync(join(launcherDir, 'node-launcher.mjs'), NODE_LAUNCHER);
      writeFileSync(join(launcherDir, script), POOL_NODE_LAUNCHER);
      for (const [name, body] of Object.entries(POOL_NODE_WARM_FILES)) writeFileSync(join(launcherDir, name), body);
    } else writeFileSync(join(launcherDir, script), POOL_ASGI_LAUNCHER);
    if (spec.internet) writeFileSync(join(launcherDir, 'resolv.conf'), RESOLV_CONF);
    const args = bwrapArgs({
      runtimeRoot: spec.runtimeRoot,
      codeDir: null,
      launcherDir,
      volumes: [],
      internet: spec.internet,
      tmpMiB: spec.memoryMiB,
      env: {},
      argv: [interpreter, `${SANDBOX_PATHS.launcher}/${script}`, String(LISTEN_FD), String(CONTROL_FD)],
      hostUid: spec.hostUid,
    });
    this.limits = createResourceLimits(`${spec.instanceId}-${Date.now().toString(36)}`, spec.memoryMiB, 1, spec.pids);
    if (this.limits.update === null) {
      void this.limits.release();
      throw new AlephError(
        'SANDBOX_POOL_ASSIGN_FAILED',
        'pooled sandboxes need cgroups (their limits change at assignment)',
        {
          hint: 'programs start cold on this host; delegate the memory cgroup to the compute node to pool them',
        },
      );
    }
    this.ctx = {
      instanceId: spec.instanceId,
      entrypoint: `${spec.kind} pool`,
      memoryMiB: spec.memoryMiB,
      onLog: spec.onLog,
    };
    this.proc = spawnSandbox(this.ctx, this.socketPath, args, this.limits, spec.internet, { [CONTROL_FD]: 'pipe' });
    this.exited = this.proc.exited;
    this.idle = this.waitIdle(spec.fillTimeoutMs ?? 15_000);
    this.idle.catch(() => void this.proc.stop(200));
  }

  private get control(): Socket {
    return (this.proc.child.stdio as unknown as Socket[])[CONTROL_FD];
  }

  private waitIdle(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => fail('it did not load its interpreter in time'), timeoutMs);
      const onData = (b: Buffer) => {
        text += b.toString('latin1');
        if (text === 'idle\n') {
          cleanup();
          try {
            this.ns = namespaceOf(this.proc.child.pid!);
            resolve();
          } catch (e) {
            reject(e as Error);
          }
        } else if (text.length >= MAX_IDLE_LINE || text.includes('\n')) fail('its launcher said something else');
      };
      const fail = (why: string) => {
        cleanup();
        const tail = this.proc.stderrTail.slice(-3).join(' / ');
        reject(
          new AlephError(
            'SANDBOX_POOL_ASSIGN_FAILED',
            `a pooled sandbox did not start: ${why}${tail ? `: ${tail}` : ''}`,
            {
              hint: 'programs start cold meanwhile',
            },
          ),
        );
      };
      const onExit = () => fail(this.proc.startError() ?? 'it exited');
      const cleanup = () => {
        clearTimeout(timer);
        this.control.off('data', onData);
      };
      this.control.on('error', () => {});
      this.control.on('data', onData);
      void this.proc.exited.then(onExit);
    });
  }

  /** Proportional memory of the idle sandbox's processes (their share of what they map), in bytes; null if gone. */
  pssBytes(): number | null {
    const pids = this.limits.pids();
    return pids?.length ? pssOf(pids) : null;
  }

  /**
   * Gives the sandbox its program. Rejects with SANDBOX_POOL_ASSIGN_FAILED (and discards the sandbox) when the
   * program could not be put in place — the caller then starts it cold, which reports the program's own errors.
   * Once the launcher has the program, the handle fails exactly as a cold start's does (PROGRAM_EXITED, …).
   */
  async assign(spec: SandboxSpec): Promise<SandboxHandle> {
    try {
      if (this.assigned || this.ns === null || this.proc.done()) throw new Error('it is not idle');
      this.assigned = true;
      const entry = resolveEntrypoint(spec.entrypoint, spec.codeDir);
      if ((entry.kind === 'asgi' ? 'asgi' : entry.kind === 'node' ? 'node' : null) !== this.spec.kind)
        throw new Error(`it runs ${this.spec.kind}, not ${entry.kind}`);
      if (spec.internet !== this.spec.internet) throw new Error('its network is not the program’s');
      const mounts: HelperMount[] = [{ kind: 'ro', host: spec.codeDir, at: SANDBOX_PATHS.code }];
      const volumes = spec.volumes.map((v) => ({ ...v, mount: assertVolumeMount(v.mount) }));
      volumes.sort((a, b) => a.mount.split('/').length - b.mount.split('/').length);
      for (const v of volumes) {
        if (v.kind === 'persistent') throw new Error('persistent volumes keep the program’s own uid: cold path');
        if (v.kind === 'immutable') statSync(v.hostPath);
        mounts.push(
          v.kind === 'immutable'
            ? { kind: 'ro', host: v.hostPath, at: v.mount }
            : { kind: 'tmpfs', size: Math.max(1, Math.floor(v.sizeMiB)) * MiB, at: v.mount },
        );
      }
      this.limits.update!(spec.memoryMiB, spec.vcpus, spec.pids?.max ?? DEFAULT_PIDS_MAX);
      await this.helper.assign({
        ns: this.ns.path,
        ino: this.ns.ino,
        uid: this.spec.hostUid,
        tmpBytes: spec.memoryMiB * MiB,
        mounts,
      });
      if (this.proc.done()) throw new Error('it exited');
      // From here on it is the program's: its logs, its memory in the exit reason, its entry point in errors.
      Object.assign(this.ctx, {
        instanceId: spec.instanceId,
        entrypoint: spec.entrypoint,
        memoryMiB: spec.memoryMiB,
        onLog: spec.onLog,
      });
      this.proc.stderrTail.length = 0;
      spec.onLog('system', `${startingLine(spec, this.limits)}, pooled`);
      const program =
        entry.kind === 'asgi'
          ? { app: `${entry.module}:${entry.attr}` }
          : {
              file: `${SANDBOX_PATHS.code}/${entry.file}`,
              exportName: entry.kind === 'node' ? entry.exportName : null,
            };
      // Then closed on this side too: bwrap's own processes still hold the other end, and nothing the sandbox
      // writes there afterwards may reach the node.
      const control = this.control;
      control.end(JSON.stringify({ env: spec.env, ...program }) + '\n', () => control.destroy());
      return programHandle(this.ctx, this.proc, this.socketPath, spec.startTimeoutMs ?? 15_000);
    } catch (e) {
      void this.proc.stop(200);
      throw e instanceof AlephError && e.code === 'SANDBOX_POOL_ASSIGN_FAILED'
        ? e
        : new AlephError(
            'SANDBOX_POOL_ASSIGN_FAILED',
            `could not hand the pooled sandbox its program: ${(e as Error).message}`,
            {
              hint: 'the program starts in a fresh sandbox instead',
              cause: e,
            },
          );
    }
  }

  /** Stops an idle sandbox (the pool is shrinking or closing). */
  discard(): Promise<void> {
    return this.proc.stop(200);
  }
}

/** The mount namespace of the sandbox's processes (below the outer bwrap, which stays in the staging one). */
function namespaceOf(bwrapPid: number): { path: string; ino: number } {
  const inner = descendants(bwrapPid);
  const pid = inner[inner.length - 1];
  if (pid === undefined) throw new Error('the pooled sandbox has no process');
  const path = `/proc/${pid}/ns/mnt`;
  return { path, ino: statSync(path).ino };
}
