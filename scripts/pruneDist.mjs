#!/usr/bin/env node
// `tsc -b` never deletes: a source renamed or removed would leave its old output in dist/, shipped and importable.
// Removes every dist/ output whose src/ source is gone.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function prune(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    // The bundled web console (scripts/buildConsole.mjs) is no tsc output.
    if (p === join('dist', 'console')) continue;
    if (statSync(p).isDirectory()) {
      prune(p);
      if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
    } else if (
      /\.(d\.ts|js)$/.test(name) &&
      !existsSync(join('src', relative('dist', p).replace(/\.(d\.ts|js)$/, '.ts')))
    ) {
      rmSync(p);
    }
  }
}
if (existsSync('dist')) prune('dist');
