import { join } from 'node:path';
import type { Pool } from 'undici';
import type { SandboxExit, SandboxHandle, SandboxSpec } from '../sandbox/types.js';
import type { ProgramView } from '../api/programView.js';
import type { PreparedProgram } from './artifacts.js';
import type { ProgramLogs } from './programLogs.js';
import { openUpstream } from './upstream.js';
import { within } from '../within.js';

let counter = 0;

/** The sandbox of one start of the program: a fresh instance id and work dir each time. */
export function instanceSpec(
  view: ProgramView,
  prepared: PreparedProgram,
  runDir: string,
  logs: ProgramLogs,
  sandbox: Pick<SandboxSpec, 'hostUid' | 'pids'>,
): SandboxSpec {
  const n = (counter++).toString(36);
  // Short paths: the socket lives under workDir and sun_path allows 107 bytes.
  return {
    instanceId: `p${view.id.slice(0, 12)}-e${view.edition}-${n}`,
    runtimeRoot: prepared.runtimeRoot,
    codeDir: prepared.codeDir,
    entrypoint: view.entrypoint,
    env: view.variables,
    internet: view.internet,
    memoryMiB: view.memoryMiB,
    vcpus: view.vcpus,
    volumes: prepared.volumes,
    workDir: join(runDir, n),
    onLog: (stream, line) => logs.add(view.id, view.edition, stream, line),
    ...sandbox,
  };
}

/**
 * One running execution of one program version. Counts requests in flight so that an upgrade or an idle stop
 * can wait for them (drain) instead of cutting them off, and keeps a pool of kept-alive connections to its socket
 * so warm requests do not pay a connect each.
 */
export class Instance {
  readonly upstream: Pool;
  readonly socketPath: string;
  /** Response headers naming the version this instance serves (built once, sent with every response). */
  readonly served: Record<string, string>;
  inflight = 0;
  /** Called once, when the first request it served is over (answered or not). */
  private onFirstServed: (() => void) | null;
  /** Set once the sandbox is gone: the reason a request that reached it failed. */
  exit: SandboxExit | null = null;
  /** Set once it was told to go (drain or stop): it takes no new requests and is on its way out. */
  retiring = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly view: ProgramView,
    prepared: PreparedProgram,
    readonly handle: SandboxHandle,
    onFirstServed?: () => void,
  ) {
    this.onFirstServed = onFirstServed ?? null;
    this.socketPath = this.handle.socketPath;
    this.served = {
      'x-aleph-program-id': view.id,
      'x-aleph-version': view.currentHash,
      'x-aleph-edition': String(view.edition),
    };
    this.upstream = openUpstream(this.socketPath);
    void this.handle.exited.then((e) => {
      this.exit = e;
      this.upstream.destroy().catch(() => {});
      prepared.release();
    });
  }

  get alive(): boolean {
    return this.exit === null;
  }

  enter(): void {
    this.inflight++;
  }

  leave(): void {
    this.inflight--;
    this.onFirstServed?.();
    this.onFirstServed = null;
    if (this.inflight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when no request is in flight (at once if none is). */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Lets in-flight requests finish (bounded by the program's request limit), then stops the sandbox. */
  async drain(): Promise<void> {
    this.retiring = true;
    await within(this.idle(), this.view.seconds * 1000 + 1000);
    await this.stop();
  }

  async stop(): Promise<void> {
    this.retiring = true;
    await this.handle.stop(1000);
    await this.upstream.destroy();
  }
}
