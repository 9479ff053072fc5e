import { lstatSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { assertVolumeMount } from '../sandbox/mountLayout.js';
import type { ProgramUids } from '../sandbox/programUids.js';
import type { PidLimits } from '../sandbox/resourceLimits.js';
import { resolveEntrypoint } from '../sandbox/resolveEntrypoint.js';
import type { SandboxHandle, SandboxSpec } from '../sandbox/types.js';
import { MountHelper } from './mountHelper.js';
import { PooledSandbox, type PoolKind } from './pooledSandbox.js';
import { within } from '../within.js';

export interface SandboxPoolOptions {
  /** Host dir for the pooled sandboxes' sockets and launchers (short: the socket path is bounded). */
  dir: string;
  uids: ProgramUids;
  /** Idle sandboxes kept per runtime, kind and internet setting; 0 disables the pool. */
  size: number;
  /** Memory of an idle sandbox (default 256 MiB); the program's own limits replace it. */
  memoryMiB?: number;
  pids?: PidLimits | undefined;
  /** After a fill fails, how long that key gets no new fill (default 30 s): a broken runtime must not spin. */
  backoffMs?: number;
  onEvent?: (line: string) => void;
}

/** A first answer that takes longer than this does not hold the refill back. */
const REFILL_LATEST_MS = 1000;
/** After the first answer: time for it to be written out and read. */
const REFILL_DELAY_MS = 20;

function settledWithin(p: Promise<unknown> | undefined, ms: number): Promise<unknown> | undefined {
  return (
    p &&
    within(
      p.catch(() => undefined),
      ms,
    )
  );
}

interface Slot {
  sandbox: PooledSandbox;
  idle: boolean;
  taken: boolean;
}

interface PoolKey {
  key: string;
  runtimeRoot: string;
  kind: PoolKind;
  internet: boolean;
}

/**
 * Variables an interpreter (or the dynamic loader) reads when it starts: a pooled one has started already, so a
 * program that sets any of them starts cold, where they take effect as they always did.
 */
const STARTUP_VARIABLES = /^(NODE_|PYTHON|LD_|UV_|OPENSSL_|SSL_CERT_|TZ$|LANG$|LC_)/;

/** Directories the pooled layout makes on its own root (the way to /opt/code and /opt/aleph; /etc for resolv.conf). */
function ownDirs(internet: boolean): string[] {
  return internet ? ['/opt', '/etc'] : ['/opt'];
}

/**
 * Whether `mount` can be made in a pooled sandbox of this runtime: the mount point is created on the sandbox's
 * own root, so the path must leave the runtime's tree (a path the runtime has is a read-only bind there) at a
 * directory the pooled layout made itself. `/data` and `/opt/packages` can; `/var/cache/app` cannot (cold path).
 */
function placeable(runtimeRoot: string, mount: string, internet: boolean): boolean {
  const parts = mount.split('/').filter(Boolean);
  let at = '';
  for (const p of parts) {
    at = posix.join(at || '/', p);
    try {
      lstatSync(join(runtimeRoot, at));
    } catch {
      return true;
    }
    if (!ownDirs(internet).includes(at)) return false;
  }
  return false;
}

/**
 * Pre-started sandboxes per runtime, interpreter kind and internet setting (DESIGN §5, issue 12): the first
 * request to a program takes an idle one (its code, volumes, environment and limits are put in place) instead of
 * starting a sandbox, and the pool refills behind it. A pooled sandbox serves one program for its whole life and
 * is never returned. A program the pool cannot take (a run.sh script, persistent volumes, a mount point inside the
 * runtime's tree, no cgroups) starts cold, as does any program when no idle sandbox is there or when assigning one
 * fails — the pool only ever makes a start faster, never different in what the program gets.
 */
export class SandboxPool {
  size: number;
  private readonly slots = new Map<string, Slot[]>();
  private readonly keys = new Map<string, PoolKey>();
  private readonly backoff = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly helper = new MountHelper();
  private n = 0;
  private closed = false;

  constructor(private readonly opts: SandboxPoolOptions) {
    this.size = opts.size;
  }

  /** The pool a program's sandbox would come from, or null when it starts cold. */
  keyOf(spec: SandboxSpec): PoolKey | null {
    if (this.size <= 0 || this.closed) return null;
    let kind: PoolKind;
    try {
      const entry = resolveEntrypoint(spec.entrypoint, spec.codeDir);
      if (entry.kind === 'script') return null;
      kind = entry.kind;
      if (Object.keys(spec.env).some((k) => STARTUP_VARIABLES.test(k))) return null;
      for (const v of spec.volumes) {
        if (v.kind === 'persistent' || !placeable(spec.runtimeRoot, assertVolumeMount(v.mount), spec.internet))
          return null;
      }
    } catch {
      return null; // the cold path reports the program's own error
    }
    const key = `${spec.runtimeRoot}\0${kind}\0${spec.internet ? 1 : 0}`;
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { key, runtimeRoot: spec.runtimeRoot, kind, internet: spec.internet }));
    return k;
  }

  /**
   * Starts the program in an idle pooled sandbox (or one about to be idle); null when it must start cold. Every
   * call tops its pool back up: once `refillAfter` settles (the caller's first answer of the program), or once
   * the program fails to start, and at the latest REFILL_LATEST_MS after it is ready.
   */
  async assign(spec: SandboxSpec, refillAfter?: Promise<unknown>): Promise<SandboxHandle | null> {
    const k = this.keyOf(spec);
    if (!k) return null;
    const list = this.slots.get(k.key) ?? [];
    let slot = list.find((s) => s.idle && !s.taken) ?? null;
    if (!slot) {
      const filling = list.find((s) => !s.taken);
      this.topUp(k);
      if (filling) await filling.sandbox.idle.catch(() => {});
      slot = filling?.idle && !filling.taken ? filling : null;
    }
    if (!slot) return null;
    slot.taken = true;
    this.remove(k.key, slot);
    try {
      const handle = await slot.sandbox.assign(spec);
      this.failures.delete(k.key);
      // Refilled once the program has answered (or failed), and a moment after: a fill blocks this event loop while
      // it spawns (fork copies the node's page tables: ~6 ms per 100 MiB the node maps) and then takes a core while
      // its interpreter loads, both in the way of that answer — until it has left, and been read by a client in
      // this process (the benchmark, the tests).
      void handle.ready
        .then(() => settledWithin(refillAfter, REFILL_LATEST_MS))
        .catch(() => {})
        .then(() => new Promise((r) => setTimeout(r, REFILL_DELAY_MS)))
        .finally(() => this.topUp(k));
      return handle;
    } catch (e) {
      this.opts.onEvent?.(`pooled sandbox not used for ${spec.instanceId}: ${(e as Error).message}`);
      // Three in a row is the host (no new mount API, say), not one program: the pool rests before it tries again.
      const n = (this.failures.get(k.key) ?? 0) + 1;
      this.failures.set(k.key, n);
      if (n >= 3) {
        this.failures.delete(k.key);
        this.fillFailed(k, e as Error);
      } else this.topUp(k);
      return null;
    }
  }

  /** Resolves once the program's pool has an idle sandbox (benchmarks and tests wait on it); false if it cannot. */
  whenIdle(spec: SandboxSpec): Promise<boolean> {
    const k = this.keyOf(spec);
    return k ? this.idleIn(k) : Promise.resolve(false);
  }

  /** Resolves once every pool seen so far is full (or cannot fill): nothing is starting in the background. */
  async settled(): Promise<void> {
    for (const k of this.keys.values()) await this.idleIn(k, this.size);
  }

  private async idleIn(k: PoolKey, want = 1): Promise<boolean> {
    this.topUp(k);
    for (;;) {
      const list = this.slots.get(k.key) ?? [];
      if (list.filter((s) => s.idle && !s.taken).length >= Math.min(want, this.size)) return true;
      const filling = list.find((s) => !s.taken && !s.idle);
      if (!filling) return false;
      await filling.sandbox.idle.catch(() => {});
    }
  }

  /** Proportional memory (PSS) of each idle pooled sandbox, in bytes, with the pool it is in. */
  idleMemory(): Array<{ kind: PoolKind; internet: boolean; bytes: number }> {
    const out: Array<{ kind: PoolKind; internet: boolean; bytes: number }> = [];
    for (const [key, list] of this.slots) {
      const k = this.keys.get(key)!;
      for (const s of list)
        if (s.idle && !s.taken) out.push({ kind: k.kind, internet: k.internet, bytes: s.sandbox.pssBytes() ?? 0 });
    }
    return out;
  }

  private remove(key: string, slot: Slot): void {
    const list = this.slots.get(key);
    const i = list?.indexOf(slot) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  private topUp(k: PoolKey): void {
    if (this.closed) return;
    if ((this.backoff.get(k.key) ?? 0) > Date.now()) return;
    const list = this.slots.get(k.key) ?? [];
    this.slots.set(k.key, list);
    while (list.length < this.size) {
      const slot = this.fill(k);
      if (!slot) return;
      list.push(slot);
    }
  }

  private fill(k: PoolKey): Slot | null {
    const n = (this.n++).toString(36);
    let uid: number;
    try {
      uid = this.opts.uids.lease();
    } catch (e) {
      this.fillFailed(k, e as Error);
      return null;
    }
    const workDir = join(this.opts.dir, n);
    let sandbox: PooledSandbox;
    try {
      sandbox = new PooledSandbox(
        {
          instanceId: `pool-${n}`,
          runtimeRoot: k.runtimeRoot,
          kind: k.kind,
          internet: k.internet,
          workDir,
          hostUid: uid,
          memoryMiB: this.opts.memoryMiB ?? 256,
          pids: this.opts.pids,
          onLog: () => {},
        },
        this.helper,
      );
    } catch (e) {
      this.opts.uids.release(uid);
      this.fillFailed(k, e as Error);
      return null;
    }
    this.helper.start();
    const slot: Slot = { sandbox, idle: false, taken: false };
    sandbox.idle.then(
      () => {
        slot.idle = true;
      },
      (e: Error) => {
        this.remove(k.key, slot);
        if (!slot.taken) this.fillFailed(k, e);
      },
    );
    void sandbox.exited.then(() => {
      // Its uid is free again only once every process of it is gone (the cgroup is removed by then).
      this.opts.uids.release(uid);
      rmSync(workDir, { recursive: true, force: true });
      if (slot.taken) return;
      const wasIdle = slot.idle;
      this.remove(k.key, slot);
      if (wasIdle) this.topUp(k);
    });
    return slot;
  }

  private fillFailed(k: PoolKey, e: Error): void {
    this.backoff.set(k.key, Date.now() + (this.opts.backoffMs ?? 30_000));
    this.opts.onEvent?.(`pool ${k.kind}${k.internet ? ' with internet' : ''}: ${e.message}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all: Array<Promise<void>> = [];
    for (const list of this.slots.values()) for (const s of list.splice(0)) all.push(s.sandbox.discard());
    await Promise.all(all);
    this.helper.close();
  }
}
