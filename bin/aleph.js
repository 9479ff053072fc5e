#!/usr/bin/env node
// Runs the compiled CLI (dist/, what the package ships and `npm run build` writes). A source checkout without a
// build, or with ALEPH_FROM_SOURCE=1 (the tests), runs the TypeScript sources through tsx, a devDependency.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
const source = join(root, 'src', 'cli', 'main.ts');
const fromSource = existsSync(source) && (process.env.ALEPH_FROM_SOURCE === '1' || !existsSync(compiled));
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
