import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_PYTHON } from '../runtime/hostFacts.js';
import { cachedRuntime } from '../runtime/runtimeCache.js';
import { NODE_LAUNCHER } from '../sandbox/launchers.js';
import { startSandbox } from '../sandbox/startSandbox.js';
import { PROBE_UID } from '../sandbox/programUids.js';
import { answersHttp, waitForHttp } from '../sandbox/waitForHttp.js';
import { listenSocket } from '../sandbox/listenSocket.js';

export interface Percentiles {
  p50: number;
  p99: number;
}
export interface ColdStartResult {
  sandbox: Percentiles;
  bare: Percentiles;
}

/** The same app for both sides: what differs is only the sandbox (namespaces, mounts, cgroup, --uds plumbing). */
const APPS = {
  python: {
    entry: 'main:app',
    files: {
      'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/")\ndef root():\n    return {"ok": True}\n',
    },
  },
  node: {
    entry: 'main.js:handler',
    files: { 'main.js': 'exports.handler = (req, res) => res.end(\'{"ok":true}\');\n' },
  },
} as const;

function percentiles(ms: number[]): Percentiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: Math.round(at(0.5) * 10) / 10, p99: Math.round(at(0.99) * 10) / 10 };
}

/** Starts the app with the host's own interpreter on a unix socket, no sandbox, and times first response. */
async function bareOnce(kind: 'python' | 'node', codeDir: string, work: string): Promise<number> {
  const sock = join(work, 'bare.sock');
  rmSync(sock, { force: true });
  const t0 = performance.now();
  // The node launcher serves a listening socket it is handed as an fd (as in the sandbox), here fd 3.
  const listener = kind === 'node' ? listenSocket(sock) : null;
  const argv =
    kind === 'python'
      ? [
          HOST_PYTHON,
          ['-m', 'uvicorn', '--uds', sock, '--app-dir', codeDir, '--log-level', 'warning', APPS.python.entry],
        ]
      : [process.execPath, [join(work, 'node-launcher.mjs'), '3', join(codeDir, 'main.js'), 'handler']];
  const stdio: Array<'ignore' | number> = listener
    ? ['ignore', 'ignore', 'ignore', listener.fd]
    : ['ignore', 'ignore', 'ignore'];
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(argv[0] as string, argv[1] as string[], { stdio, cwd: codeDir });
  } finally {
    listener?.close();
  }
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const state = await waitForHttp(sock, Date.now() + 20_000, () => exited);
  const ms = performance.now() - t0;
  child.kill('SIGKILL');
  if (state !== 'ready') throw new Error(`bare ${kind} did not start (${state})`);
  return ms;
}

async function sandboxOnce(kind: 'python' | 'node', codeDir: string, work: string, i: number): Promise<number> {
  const runtimeRoot = await cachedRuntime(kind);
  const t0 = performance.now();
  const h = startSandbox({
    instanceId: `bench-${kind}-${i}`,
    runtimeRoot,
    codeDir,
    entrypoint: APPS[kind].entry,
    env: {},
    internet: false,
    memoryMiB: 256,
    vcpus: 1,
    volumes: [],
    workDir: join(work, `w${i}`),
    onLog: () => {},
    hostUid: PROBE_UID + 1 + i,
  });
  await h.ready;
  const ms = performance.now() - t0;
  if (!(await answersHttp(h.socketPath))) throw new Error('sandbox stopped answering');
  await h.stop(200);
  return ms;
}

/**
 * Start-to-first-response of the same tiny app, `n` times each, with the host's interpreter directly (bare) and
 * inside the sandbox. Runtimes are built/cached first so only start-up is measured. Both poll every 10 ms.
 * @example const r = await measureColdStart('python', 20) // { sandbox: { p50, p99 }, bare: { p50, p99 } } in ms
 */
export async function measureColdStart(kind: 'python' | 'node', n: number): Promise<ColdStartResult> {
  await cachedRuntime(kind);
  const work = mkdtempSync(join(tmpdir(), 'aleph-bench-'));
  try {
    const codeDir = join(work, 'code');
    mkdirSync(codeDir);
    for (const [name, body] of Object.entries(APPS[kind].files)) writeFileSync(join(codeDir, name), body);
    writeFileSync(join(work, 'node-launcher.mjs'), NODE_LAUNCHER);
    const bare: number[] = [];
    const sandbox: number[] = [];
    // Interleaved so drift in machine load hits both sides alike.
    for (let i = 0; i < n; i++) {
      bare.push(await bareOnce(kind, codeDir, work));
      sandbox.push(await sandboxOnce(kind, codeDir, work, i));
    }
    return { sandbox: percentiles(sandbox), bare: percentiles(bare) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
