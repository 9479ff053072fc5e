#!/usr/bin/env node
// Bundles the web console (src/console, Preact) into dist/console: the app as content-hashed assets under assets/
// (cached for good by the node) with a brotli and a gzip beside each, and an index.html naming them, with the boot
// script and the stylesheet inline (revalidated on every load).
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
const common = {
  bundle: true,
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};
// The boot script (the page's first reads, src/console/boot.ts) is inlined at the top of the page, so the reads
// leave as the HTML is parsed, before any stylesheet or script has loaded; the node's CSP allows it by its hash.
const boot = (
  await build({ ...common, entryPoints: ['src/console/boot.ts'], format: 'iife', write: false })
).outputFiles[0].text.trim();
if (boot.includes('</')) throw new Error('the inline boot script must not contain "</"');
const result = await build({
  ...common,
  entryPoints: { console: 'src/console/main.tsx' },
  format: 'esm',
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  plugins: [zodLite],
});
const outputs = Object.entries(result.metafile.outputs);
const entry = (name) => basename(outputs.find(([, o]) => o.entryPoint?.endsWith(name))[0]);
const js = entry('main.tsx');
// The stylesheet (3.5 KB) is inline too: the first paint waits for no request, nor does the app's script.
const cssFile = outputs.map(([f]) => f).find((f) => f.endsWith('.css'));
const css = cssFile ? readFileSync(cssFile, 'utf8').trim() : '';
if (cssFile) rmSync(cssFile);
if (css.includes('</')) throw new Error('the inline stylesheet must not contain "</"');
const files = outputs.map(([f]) => f).filter((f) => f !== cssFile);
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
<script>${boot}</script>
${css ? `<style>${css}</style>` : ''}
<script type="module" src="/console/assets/${js}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the console…</p></div>
<noscript>The console needs JavaScript; the same data is at /api/v0/programs.</noscript>
</body>
</html>
`;
writeFileSync(join(out, 'index.html'), html);
console.log(
  `console: ${files.map((f) => `${basename(f)} ${readFileSync(f).length} B`).join(', ')}, boot (inline) ${boot.length} B, style (inline) ${css.length} B`,
);
