#!/usr/bin/env node
// Bundles the web console (src/console, Preact) into dist/console — a tiny boot script (the page's first reads)
// and the app — as content-hashed assets under assets/ (cached for good by the node) with a brotli and a gzip
// beside each, and an index.html naming them (revalidated on every load).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const out = 'dist/console';
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
/** The contract's `zod` is zodLite in the bundle (zod/mini under classic's methods: see src/console/zodLite.ts). */
const zodLite = {
  name: 'zod-lite',
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, () => ({ path: resolve('src/console/zodLite.ts') }));
  },
};
const result = await build({
  // boot: the page's first reads, started before the app (src/console/boot.ts); console: the app.
  entryPoints: { boot: 'src/console/boot.ts', console: 'src/console/main.tsx' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [zodLite],
});
const outputs = Object.entries(result.metafile.outputs);
const files = outputs.map(([f]) => f);
const entry = (name) => basename(outputs.find(([, o]) => o.entryPoint?.endsWith(name))[0]);
const boot = entry('boot.ts');
const js = entry('main.tsx');
const css = files.find((f) => f.endsWith('.css'));
for (const f of files) {
  const bytes = readFileSync(f);
  writeFileSync(`${f}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(`${f}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aleph-ts console</title>
${css ? `<link rel="stylesheet" href="/console/assets/${basename(css)}">` : ''}
<script type="module" src="/console/assets/${boot}"></script>
<script type="module" src="/console/assets/${js}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the console…</p></div>
<noscript>The console needs JavaScript; the same data is at /api/v0/programs.</noscript>
</body>
</html>
`;
writeFileSync(join(out, 'index.html'), html);
console.log(`console: ${files.map((f) => `${basename(f)} ${readFileSync(f).length} B`).join(', ')}`);
