import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedRuntime } from '../runtime/runtimeCache.js';
import type { RuntimeKind } from '../runtime/types.js';
import { startSandbox } from '../sandbox/startSandbox.js';
import { ProgramUids } from '../sandbox/programUids.js';
import type { LogStream, SandboxHandle, SandboxSpec } from '../sandbox/types.js';
import { SandboxPool } from '../pool/sandboxPool.js';
import { createResourceLimits } from '../sandbox/resourceLimits.js';

/** How a fixture starts programs: always cold, or from a pool (when the pool can take the program) as the supervisor does. */
export type StartPath = 'cold' | 'pooled';
/** Both where the host can pool (pooled sandboxes need cgroups: their limits change at assignment). */
export const START_PATHS: StartPath[] = ['cold', ...(canPool() ? (['pooled'] as const) : [])];

function canPool(): boolean {
  const probe = createResourceLimits(`pool-probe-${process.pid}`, 64, 1);
  void probe.release();
  return probe.update !== null;
}

/** Test-only helpers: real sandboxes on real runtimes, cleaned up by `dispose`. */
export interface Started {
  handle: SandboxHandle;
  logs: Array<{ stream: LogStream; line: string }>;
  logText(): string;
  /** Whether a pooled sandbox took the program (always false on the cold path). */
  pooled: boolean;
}

export class SandboxFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'aleph-sbx-'));
  private readonly handles: SandboxHandle[] = [];
  private n = 0;
  private pool: SandboxPool | null = null;
  /** Each start is its own program with its own host uid (like the supervisor's), recorded in the fixture's dir. */
  readonly uids = new ProgramUids(join(this.dir, 'uids.json'), {
    base: 300_000 + (process.pid % 500) * 128,
    count: 128,
  });

  /** `pooled`: each start takes an idle pooled sandbox when the pool can take the program (waiting for one to fill). */
  constructor(readonly path: StartPath = 'cold') {}

  /** Writes `files` into a fresh code dir and returns its path. */
  code(files: Record<string, string | { body: string; mode: number }>): string {
    const d = join(this.dir, `code-${this.n++}`);
    for (const [name, f] of Object.entries(files)) {
      mkdirSync(join(d, name, '..'), { recursive: true });
      if (typeof f === 'string') writeFileSync(join(d, name), f);
      else writeFileSync(join(d, name), f.body, { mode: f.mode });
    }
    return d;
  }

  /** A fresh host directory (for volumes, secrets…). */
  mkdir(name: string): string {
    const d = join(this.dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  async start(
    runtime: RuntimeKind,
    spec: Partial<SandboxSpec> & Pick<SandboxSpec, 'codeDir' | 'entrypoint'>,
  ): Promise<Started> {
    const logs: Started['logs'] = [];
    const full: SandboxSpec = {
      instanceId: `test-${process.pid}-${this.n}`,
      runtimeRoot: await cachedRuntime(runtime),
      env: {},
      internet: false,
      memoryMiB: 256,
      vcpus: 1,
      volumes: [],
      hostUid: this.uids.uidFor(`start-${this.n}`),
      workDir: join(this.dir, `w${this.n++}`),
      onLog: (stream, line) => logs.push({ stream, line }),
      ...spec,
    };
    let handle: SandboxHandle | null = null;
    if (this.path === 'pooled') {
      this.pool ??= new SandboxPool({ dir: join(this.dir, 'pool'), uids: this.uids, size: 1, backoffMs: 0 });
      if (await this.pool.whenIdle(full)) handle = await this.pool.assign(full);
    }
    const pooled = handle !== null;
    handle ??= startSandbox(full);
    this.handles.push(handle);
    return { handle, logs, pooled, logText: () => logs.map((l) => `[${l.stream}] ${l.line}`).join('\n') };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.stop(500)));
    await this.pool?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** GET over the program's unix socket; resolves status and body. */
export function get(socketPath: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/**
 * A Node test program whose handler does what the query asks (read a file, write one, connect to a port) and
 * answers JSON {ok, value|error}; tests use it to probe the sandbox from inside.
 */
export const PROBE_APP = String.raw`
const fs = require('node:fs');
const net = require('node:net');
exports.handler = (req, res) => {
  const u = new URL(req.url, 'http://x');
  const q = (k) => u.searchParams.get(k);
  const reply = (ok, value) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(ok ? { ok, value } : { ok, error: value })); };
  try {
    if (u.pathname === '/read') return reply(true, fs.readFileSync(q('path'), 'utf8'));
    if (u.pathname === '/write') { fs.writeFileSync(q('path'), q('data') ?? 'x'.repeat(Number(q('bytes') ?? 1))); return reply(true, 'written'); }
    if (u.pathname === '/env') return reply(true, process.env[q('name')] ?? null);
    if (u.pathname === '/hog') { const keep = []; for (;;) keep.push(Buffer.alloc(4 << 20, 1)); }
    if (u.pathname === '/ifaces') return reply(true, JSON.stringify(require('node:os').networkInterfaces()));
    if (u.pathname === '/connect') {
      // ?port=N[&host=H] for TCP, ?abstract=NAME for a unix socket in the abstract namespace.
      const s = q('abstract') !== null ? net.connect({ path: '\0' + q('abstract') }) : net.connect(Number(q('port')), q('host') ?? '127.0.0.1');
      s.setTimeout(1500, () => { s.destroy(); reply(false, 'timeout'); });
      s.on('connect', () => { s.destroy(); reply(true, 'connected'); });
      s.on('error', (e) => reply(false, e.code));
      return;
    }
    reply(true, 'probe');
  } catch (e) { reply(false, e.code || String(e)); }
};
`;
