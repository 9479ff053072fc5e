import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { AlephError } from '../../errors.js';

/** How the launcher starts a program, decided from its entry point string and its code. */
export type ResolvedEntrypoint =
  | { kind: 'asgi'; module: string; attr: string }
  | { kind: 'node'; file: string; exportName: string | null }
  | { kind: 'script'; file: string; executable: boolean };

const NODE_FILE = /\.(m|c)?js$/;
const PY_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function entryError(entrypoint: string, why: string): AlephError {
  return new AlephError('PROGRAM_ENTRYPOINT_INVALID', `entry point '${entrypoint}' ${why}`, {
    hint: "use 'main:app' (Python ASGI), 'main.js' or 'main.js:handler' (Node), or 'run.sh' (script listening on $PORT)",
    details: { entrypoint },
  });
}

/** A relative path inside the code dir; absolute or escaping paths would read the runtime instead of the code. */
function codeRelative(entrypoint: string, file: string): string {
  const n = normalize(file);
  if (n.startsWith('/') || n === '..' || n.startsWith('../') || n.includes('\0'))
    throw entryError(entrypoint, 'points outside the code');
  return n;
}

/**
 * Parses an entry point (untrusted: it comes from the program's message).
 * `codeDir` disambiguates a bare name: a `.js` file is a Node module, any other existing file is a script.
 */
export function resolveEntrypoint(entrypoint: string, codeDir: string): ResolvedEntrypoint {
  const e = entrypoint.trim();
  if (e === '') throw entryError(entrypoint, 'is empty');
  const colon = e.lastIndexOf(':');
  const left = colon === -1 ? e : e.slice(0, colon);
  const right = colon === -1 ? null : e.slice(colon + 1);

  if (NODE_FILE.test(left)) {
    if (right !== null && !IDENT.test(right)) throw entryError(entrypoint, 'names an invalid export');
    const file = codeRelative(entrypoint, left);
    if (!existsSync(join(codeDir, file))) throw entryError(entrypoint, `names ${file}, which is not in the code`);
    return { kind: 'node', file, exportName: right };
  }
  if (right !== null) {
    // `main:app` and `pkg.main:app`; `main.py:app` is accepted too because people write it.
    const module = left.endsWith('.py') ? left.slice(0, -3).replaceAll('/', '.') : left;
    if (!PY_MODULE.test(module) || !IDENT.test(right)) throw entryError(entrypoint, 'is not module:attribute');
    return { kind: 'asgi', module, attr: right };
  }
  const file = codeRelative(entrypoint, left);
  const path = join(codeDir, file);
  if (!existsSync(path)) {
    // A bare Node module name: `main` → main.js / main.mjs.
    for (const ext of ['.js', '.mjs', '.cjs'])
      if (existsSync(path + ext)) return { kind: 'node', file: file + ext, exportName: null };
    throw entryError(entrypoint, `names ${file}, which is not in the code`);
  }
  const st = statSync(path);
  if (!st.isFile()) throw entryError(entrypoint, 'is not a file');
  return { kind: 'script', file, executable: (st.mode & 0o111) !== 0 };
}
