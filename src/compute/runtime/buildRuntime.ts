import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import { DIST_PACKAGES, HOST_PYTHON, hostDistribution, hostPython, metadataFor } from './hostFacts.js';
import { RootfsWriter, sharedObjectsUnder } from './rootfsWriter.js';
import { writeRuntimeEtc } from './runtimeEtc.js';
import type { RuntimeInfo, RuntimeKind } from './types.js';

/** Bumped whenever the layout of built runtimes changes, so caches keyed on it are rebuilt. */
export const RUNTIME_BUILDER_VERSION = 1;

/** Stdlib parts no server needs: tests, GUIs, the static libpython (25 MB), installers. */
const STDLIB_EXCLUDE = new Set([
  'test',
  'idlelib',
  'tkinter',
  'turtledemo',
  'ensurepip',
  'lib2to3',
  'pydoc_data',
  'venv',
  'site-packages',
  'dist-packages',
  'EXTERNALLY-MANAGED',
]);
const isExcluded = (rel: string) => STDLIB_EXCLUDE.has(rel) || rel.startsWith('config-');

/** Small tools a run.sh commonly uses; missing ones are skipped. */
const SHELL_TOOLS = [
  'sh',
  'dash',
  'cat',
  'echo',
  'ls',
  'env',
  'sleep',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'ln',
  'head',
  'tail',
  'wc',
  'date',
  'id',
  'printf',
  'test',
  '[',
  'true',
  'false',
  'tr',
  'cut',
  'sort',
  'uniq',
  'uname',
  'touch',
  'chmod',
  'basename',
  'dirname',
  'tee',
  'seq',
  'readlink',
  'realpath',
  'pwd',
  'stat',
  'du',
  'expr',
  'nproc',
  'timeout',
  'yes',
  'od',
  'base64',
  'sha256sum',
  'mktemp',
  'grep',
  'sed',
];

async function addPython(
  w: RootfsWriter,
  withWebStack: boolean,
): Promise<{ version: string; packages: Record<string, string> }> {
  if (!existsSync(HOST_PYTHON))
    throw new AlephError('RUNTIME_BUILD_FAILED', `${HOST_PYTHON} is missing`, { hint: 'apt-get install python3' });
  const py = await hostPython();
  w.addPath(HOST_PYTHON); // /usr/bin/python3 -> python3.11
  w.addTree(py.stdlib, isExcluded);
  if (existsSync('/etc/python3.11/sitecustomize.py')) w.addPath('/etc/python3.11/sitecustomize.py');
  const elves = [py.binary, ...sharedObjectsUnder(join(w.root, py.stdlib, 'lib-dynload'))];
  if (withWebStack) {
    if (!py.packages.uvicorn)
      throw new AlephError('RUNTIME_BUILD_FAILED', 'uvicorn is not importable by the host python3', {
        hint: 'apt-get install python3-uvicorn python3-fastapi',
      });
    const entries = [
      ...py.webPackages.filter((e) => !e.startsWith('_')),
      ...metadataFor(py.webPackages, readdirSync(DIST_PACKAGES)),
    ];
    for (const e of entries) w.addPath(join(DIST_PACKAGES, e));
    elves.push(...sharedObjectsUnder(join(w.root, DIST_PACKAGES)));
  }
  await w.addLibrariesOf(elves);
  w.symlink('python3', '/usr/bin/python');
  return { version: py.version, packages: withWebStack ? py.packages : {} };
}

async function addNode(w: RootfsWriter): Promise<string> {
  // The node running us: the devnet's runtime then matches the version the node itself was tested with.
  w.addPath(process.execPath);
  if (process.execPath !== '/usr/bin/node') w.symlink(process.execPath, '/usr/bin/node');
  await w.addLibrariesOf([process.execPath]);
  return process.version;
}

async function addShell(w: RootfsWriter): Promise<void> {
  const found: string[] = [];
  for (const t of SHELL_TOOLS) {
    const p = ['/usr/bin', '/bin'].map((d) => join(d, t)).find((x) => existsSync(x));
    if (p) {
      w.addPath(p);
      found.push(p);
    }
  }
  if (!found.some((p) => p.endsWith('/sh'))) throw new AlephError('RUNTIME_BUILD_FAILED', 'no /bin/sh on the host');
  await w.addLibrariesOf(found);
}

/**
 * Builds one of the default runtimes from the host's own interpreters into `outDir` (replaced if present).
 * python: python3 + uvicorn/fastapi/starlette from Debian's dist-packages; node: the running node binary;
 * shell: /bin/sh, coreutils basics and python3 (no dist-packages) for `python3 -m http.server` and the port bridge.
 * @example const { rootDir, info } = await buildRuntime('python', '/var/cache/aleph/runtimes/python')
 */
export async function buildRuntime(kind: RuntimeKind, outDir: string): Promise<{ rootDir: string; info: RuntimeInfo }> {
  // Built beside the target and renamed in: a crash mid-build never leaves a half runtime where a cache looks.
  const tmp = `${outDir}.building-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    const w = new RootfsWriter(tmp);
    const info: RuntimeInfo = {
      kind,
      distribution: hostDistribution(),
      python: null,
      node: null,
      packages: {},
      shell: false,
    };
    if (kind === 'python' || kind === 'shell') {
      const py = await addPython(w, kind === 'python');
      info.python = py.version;
      info.packages = py.packages;
    }
    if (kind === 'node') info.node = await addNode(w);
    if (kind === 'shell') {
      await addShell(w);
      info.shell = true;
    }
    writeRuntimeEtc(w, info);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    return { rootDir: outDir, info };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof AlephError) throw e;
    throw new AlephError('RUNTIME_BUILD_FAILED', `building the ${kind} runtime failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
