import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import { bwrapArgs, type BwrapArgs } from './bwrapArgs.js';
import { SCRIPT_PORT, programCommand } from './programCommand.js';
import { createResourceLimits, type ResourceLimits } from './resourceLimits.js';
import { resolveEntrypoint } from './resolveEntrypoint.js';
import type { SandboxHandle, SandboxSpec } from './types.js';
import { RESOLV_CONF } from './userNetwork.js';
import { assertSandboxHost } from './hostRequirements.js';
import { ownVolumeRoot } from './ownVolumeRoot.js';
import { programHandle, spawnSandbox, type SandboxContext } from './sandboxProcess.js';

const INSTANCE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** sun_path is 108 bytes including the NUL. */
const MAX_SOCKET_PATH = 107;

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
  const ctx: SandboxContext = spec;
  const proc = spawnSandbox(ctx, socketPath, args, limits, spec.internet);
  spec.onLog('system', startingLine(spec, limits));
  return programHandle(ctx, proc, socketPath, spec.startTimeoutMs ?? 15_000);
}

/** The first line of every start in the program's logs. */
export function startingLine(
  spec: Pick<SandboxSpec, 'entrypoint' | 'memoryMiB' | 'vcpus' | 'internet'>,
  limits: Pick<ResourceLimits, 'mechanism'>,
): string {
  return `starting ${spec.entrypoint} (memory ${spec.memoryMiB} MiB, ${spec.vcpus} vCPU, ${limits.mechanism}, internet ${spec.internet ? 'on' : 'off'})`;
}
