import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bwrapArgs } from './bwrapArgs.js';
import { exitReason } from './exitReason.js';
import { createResourceLimits } from './resourceLimits.js';
import { spawnBwrap } from './spawnBwrap.js';
import { PROBE_UID } from './programUids.js';
import { ownVolumeRoot } from './ownVolumeRoot.js';
import { attachUserNetwork, BLOCK_FD, INFO_FD, RESOLV_CONF } from './userNetwork.js';
import type { VolumeSpec } from './types.js';

export interface RunInSandboxOptions {
  runtimeRoot: string;
  argv: string[];
  /** Mounted read-only at /opt/code; an empty dir when absent. */
  codeDir?: string;
  env?: Record<string, string>;
  volumes?: VolumeSpec[];
  internet?: boolean;
  memoryMiB?: number;
  vcpus?: number;
  timeoutMs?: number;
  /** Host uid it runs as (default PROBE_UID, which no program gets). */
  hostUid?: number;
}

export interface RunResult {
  code: number | null;
  reason: string;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 1024 * 1024;

/**
 * Runs one command to completion under the same isolation and limits as a program (used by the runtime probe
 * and by tests). Output beyond 1 MiB per stream is dropped; past `timeoutMs` (default 30 s) it is killed.
 */
export async function runInSandbox(o: RunInSandboxOptions): Promise<RunResult> {
  const work = mkdtempSync(join(tmpdir(), 'aleph-run-'));
  const memoryMiB = o.memoryMiB ?? 256;
  const limits = createResourceLimits(
    `run-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    memoryMiB,
    o.vcpus ?? 1,
  );
  try {
    for (const d of ['code', 'launcher']) mkdirSync(join(work, d));
    if (o.internet) writeFileSync(join(work, 'launcher', 'resolv.conf'), RESOLV_CONF);
    for (const v of o.volumes ?? []) if (v.kind === 'persistent') ownVolumeRoot(v.hostPath, o.hostUid ?? PROBE_UID);
    const args = bwrapArgs({
      runtimeRoot: o.runtimeRoot,
      codeDir: o.codeDir ?? join(work, 'code'),
      launcherDir: join(work, 'launcher'),
      volumes: o.volumes ?? [],
      internet: o.internet ?? false,
      tmpMiB: memoryMiB,
      env: o.env ?? {},
      argv: o.argv,
      hostUid: o.hostUid ?? PROBE_UID,
    });
    const out = { stdout: '', stderr: '' };
    const child = spawnBwrap(limits.prefix, args, o.internet ? { [INFO_FD]: 'pipe', [BLOCK_FD]: 'pipe' } : {});
    const net = o.internet
      ? attachUserNetwork(child, (l) => {
          out.stderr += l + '\n';
        })
      : null;
    net?.ready.catch((e: Error) => {
      out.stderr += e.message + '\n';
      child.kill('SIGKILL');
    });
    child.stdout!.on('data', (b: Buffer) => {
      if (out.stdout.length < MAX_OUTPUT) out.stdout += b.toString();
    });
    child.stderr!.on('data', (b: Buffer) => {
      if (out.stderr.length < MAX_OUTPUT) out.stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.on('close', (c, s) => resolve([c, s]));
      child.on('error', (e) => {
        out.stderr += e.message;
        resolve([null, null]);
      });
    });
    clearTimeout(timer);
    net?.stop();
    const r = exitReason({ code, signal, stopRequested: false, oom: limits.oomKilled(), memoryMiB });
    return { code, reason: r.reason, ...out };
  } finally {
    await limits.release();
    rmSync(work, { recursive: true, force: true });
  }
}
