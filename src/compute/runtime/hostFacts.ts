import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's interpreter, not whatever `python3` is first on PATH (pyenv, venvs): its dist-packages hold uvicorn. */
export const HOST_PYTHON = '/usr/bin/python3';
export const DIST_PACKAGES = '/usr/lib/python3/dist-packages';

/** PRETTY_NAME from the host's os-release. */
export function hostDistribution(): string | null {
  for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
    if (!existsSync(f)) continue;
    const m = readFileSync(f, 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?$/m);
    if (m) return m[1];
  }
  return null;
}

export interface HostPython {
  /** Real path of the interpreter binary, e.g. /usr/bin/python3.11. */
  binary: string;
  /** Standard library dir, e.g. /usr/lib/python3.11. */
  stdlib: string;
  version: string;
  /** Top-level entries of dist-packages that the web stack imports (packages and single-module files). */
  webPackages: string[];
  packages: Record<string, string>;
}

/**
 * Imports the ASGI stack in the host's Python and reports which dist-packages entries it loaded, so the runtime
 * carries those and nothing else (dist-packages also holds apt, dbus, cryptography…).
 */
const PROBE = String.raw`
import json, os, sys, sysconfig
mods = ['uvicorn', 'uvicorn.main', 'uvicorn.__main__', 'uvicorn.loops.auto', 'uvicorn.loops.asyncio',
        'uvicorn.protocols.http.auto', 'uvicorn.protocols.http.h11_impl', 'uvicorn.protocols.websockets.auto',
        'uvicorn.lifespan.on', 'uvicorn.lifespan.off', 'uvicorn.middleware.proxy_headers',
        'fastapi', 'fastapi.responses', 'starlette.responses', 'starlette.staticfiles', 'multipart', 'wsproto', 'idna',
        'anyio._backends._asyncio']
versions = {}
for m in mods:
    try: __import__(m)
    except Exception: pass
for p in ('uvicorn', 'fastapi', 'starlette', 'pydantic', 'anyio', 'h11'):
    v = getattr(sys.modules.get(p), '__version__', None) or getattr(sys.modules.get(p), 'VERSION', None)
    if v is not None: versions[p] = str(v)
dp = sys.argv[1].rstrip('/') + '/'
tops = sorted({m.__file__[len(dp):].split('/')[0] for m in list(sys.modules.values())
               if (getattr(m, '__file__', None) or '').startswith(dp)})
print(json.dumps({'binary': os.path.realpath(sys.executable), 'stdlib': sysconfig.get_paths()['stdlib'],
                  'version': '.'.join(map(str, sys.version_info[:3])), 'webPackages': tops, 'packages': versions}))
`;

export async function hostPython(): Promise<HostPython> {
  const { stdout } = await run(HOST_PYTHON, ['-I', '-c', PROBE, DIST_PACKAGES], { env: { PATH: '/usr/bin:/bin' } });
  return JSON.parse(stdout) as HostPython;
}

/** The dist-info / egg-info dirs that belong to the given top-level entries (importlib.metadata reads them). */
export function metadataFor(entries: string[], allNames: string[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '_');
  const wanted = new Set(entries.map((e) => norm(e.replace(/\.py$/, ''))));
  return allNames.filter(
    (n) => /\.(dist|egg)-info$/.test(n) && wanted.has(norm(n.replace(/-[^-]*\.(dist|egg)-info$/, ''))),
  );
}
