import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import { NODE_BRIDGE, NODE_LAUNCHER, PYTHON_BRIDGE } from './launchers.js';
import type { ResolvedEntrypoint } from './resolveEntrypoint.js';

/** Fixed paths inside every sandbox. */
export const SANDBOX_PATHS = {
  code: '/opt/code',
  launcher: '/opt/aleph',
} as const;

/**
 * The fd on which the program finds its listening HTTP socket. The node creates and binds the socket in a host
 * directory the sandbox never sees and hands over only the fd: a socket *path* inside the sandbox could be
 * replaced by the program with a symlink, and the node (root) would follow it to any socket on the host.
 */
export const LISTEN_FD = 5;

/** The port a run.sh script is told to listen on when it has its own network namespace. */
export const SCRIPT_PORT = 8080;

export interface ProgramCommand {
  argv: string[];
  /** Files (name → content) for the launcher dir, mounted read-only at /opt/aleph. */
  launcherFiles: Record<string, string>;
  env: Record<string, string>;
}

/** Finds an interpreter in the runtime, as the sandbox will see it. */
export function findInRuntime(runtimeRoot: string, name: string): string | null {
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (existsSync(join(runtimeRoot, dir, name))) return `${dir}/${name}`;
  }
  return null;
}

function missing(what: string, runtimeRoot: string): AlephError {
  return new AlephError('RUNTIME_MISSING_INTERPRETER', `the runtime has no ${what}`, {
    hint: 'pick a runtime that matches the entry point (python for module:app, node for .js, shell for run.sh)',
    details: { runtimeRoot, interpreter: what },
  });
}

/** Turns a resolved entry point into the argv run inside the sandbox, plus the launcher files it needs. */
export function programCommand(entry: ResolvedEntrypoint, runtimeRoot: string, port: number): ProgramCommand {
  const { code, launcher } = SANDBOX_PATHS;
  const fd = String(LISTEN_FD);
  if (entry.kind === 'asgi') {
    const python = findInRuntime(runtimeRoot, 'python3');
    if (!python) throw missing('python3', runtimeRoot);
    return {
      argv: [
        python,
        '-m',
        'uvicorn',
        '--fd',
        fd,
        '--app-dir',
        code,
        '--no-server-header',
        `${entry.module}:${entry.attr}`,
      ],
      launcherFiles: {},
      env: {},
    };
  }
  if (entry.kind === 'node') {
    const node = findInRuntime(runtimeRoot, 'node');
    if (!node) throw missing('node', runtimeRoot);
    const args = [node, `${launcher}/node-launcher.mjs`, fd, `${code}/${entry.file}`];
    if (entry.exportName) args.push(entry.exportName);
    return { argv: args, launcherFiles: { 'node-launcher.mjs': NODE_LAUNCHER }, env: {} };
  }
  // A script listens on TCP inside its own loopback; a bridge inside the sandbox carries the socket to it.
  const sh = findInRuntime(runtimeRoot, 'sh');
  if (!entry.executable && !sh) throw missing('/bin/sh', runtimeRoot);
  const script = entry.executable
    ? [`${code}/${entry.file}`, String(port)]
    : [sh!, `${code}/${entry.file}`, String(port)];
  const python = findInRuntime(runtimeRoot, 'python3');
  if (python) {
    return {
      argv: [python, `${launcher}/port-bridge.py`, fd, String(port), ...script],
      launcherFiles: { 'port-bridge.py': PYTHON_BRIDGE },
      env: { PORT: String(port) },
    };
  }
  const node = findInRuntime(runtimeRoot, 'node');
  if (node) {
    return {
      argv: [node, `${launcher}/port-bridge.mjs`, fd, String(port), ...script],
      launcherFiles: { 'port-bridge.mjs': NODE_BRIDGE },
      env: { PORT: String(port) },
    };
  }
  throw missing('python3 or node (needed to bridge $PORT to the HTTP socket)', runtimeRoot);
}
