import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import { findInRuntime } from '../sandbox/programCommand.js';
import { runInSandbox } from '../sandbox/runInSandbox.js';
import type { RuntimeInfo } from './types.js';
import { RUNTIME_INFO_PATH } from './runtimeEtc.js';

/** Reads os-release and the web stack's versions; printed as JSON. */
const PY_PROBE = String.raw`
import json, platform, re
dist = None
try:
    m = re.search(r'^PRETTY_NAME="?([^"\n]*)"?$', open('/etc/os-release').read(), re.M)
    dist = m.group(1) if m else None
except OSError: pass
pk = {}
for p in ('uvicorn', 'fastapi', 'starlette', 'pydantic', 'h11'):
    try: pk[p] = str(getattr(__import__(p), '__version__', None) or getattr(__import__(p), 'VERSION'))
    except Exception: pass
print(json.dumps({'distribution': dist, 'python': platform.python_version(), 'packages': pk}))
`;

const NODE_PROBE = String.raw`
const fs = require('node:fs');
let distribution = null;
try { distribution = (fs.readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?$/m) || [])[1] ?? null; } catch {}
console.log(JSON.stringify({ distribution, node: process.version }));
`;

async function probe(rootDir: string, argv: string[]): Promise<Record<string, unknown>> {
  const r = await runInSandbox({ runtimeRoot: rootDir, argv, timeoutMs: 20_000 });
  if (r.code !== 0) {
    throw new AlephError('RUNTIME_CHECK_FAILED', `runtime probe '${argv[0]}' ${r.reason}`, {
      details: { stderr: r.stderr.slice(-2000) },
    });
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

/**
 * `runtime-checker`: runs the interpreters the runtime has INSIDE a sandbox and reports what they say, so a
 * runtime whose /etc/aleph-runtime.json lies (or whose python cannot start) is caught.
 * @example const info = await checkRuntime(rootDir) // { python: '3.11.2', packages: { uvicorn: '0.17.6' }, … }
 */
export async function checkRuntime(rootDir: string): Promise<RuntimeInfo> {
  let declared: Partial<RuntimeInfo> = {};
  const infoFile = join(rootDir, RUNTIME_INFO_PATH);
  if (existsSync(infoFile)) {
    try {
      declared = JSON.parse(readFileSync(infoFile, 'utf8')) as Partial<RuntimeInfo>;
    } catch {
      /* reported as custom */
    }
  }
  const info: RuntimeInfo = {
    kind: declared.kind ?? 'custom',
    distribution: null,
    python: null,
    node: null,
    packages: {},
    shell: findInRuntime(rootDir, 'sh') !== null,
  };
  const python = findInRuntime(rootDir, 'python3');
  if (python) {
    const p = await probe(rootDir, [python, '-c', PY_PROBE]);
    info.python = String(p.python);
    info.distribution = (p.distribution as string | null) ?? null;
    info.packages = (p.packages as Record<string, string>) ?? {};
  }
  const node = findInRuntime(rootDir, 'node');
  if (node) {
    const p = await probe(rootDir, [node, '-e', NODE_PROBE]);
    info.node = String(p.node);
    info.distribution ??= (p.distribution as string | null) ?? null;
  }
  if (!python && !node && !info.shell) {
    throw new AlephError('RUNTIME_CHECK_FAILED', 'the runtime has no python3, node or /bin/sh', {
      hint: 'a runtime needs an interpreter in /usr/bin or /usr/local/bin',
    });
  }
  return info;
}
