import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * The console bundle builds the contract's schemas on zod/mini (src/console/zodLite.ts) instead of classic zod.
 * Both builds must be the same schemas: for every contract module the console bundles, every exported schema has
 * the same core types, the same checks with the same bounds, patterns and messages, the same object shapes and
 * catchalls, the same defaults — and parses a set of inputs to the same result and issues.
 */
const zodLite: Plugin = {
  name: 'zod-lite',
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, () => ({ path: resolve('src/console/zodLite.ts') }));
  },
};

/** The contract modules in the console bundle that build schemas (from the bundle's own metafile). */
async function contractModules(): Promise<string[]> {
  const r = await build({
    entryPoints: ['src/console/main.tsx'],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'unused',
    plugins: [zodLite],
    logLevel: 'silent',
  });
  return Object.entries(r.metafile.inputs)
    .filter(([f, v]) => f.startsWith('src/protocol/') && v.imports.some((i) => i.path.endsWith('zodLite.ts')))
    .map(([f]) => f)
    .sort();
}

type Any = Record<string, unknown>;
const isSchema = (v: unknown): v is { _zod: { def: Any; traits: Set<string> } } =>
  typeof v === 'object' && v !== null && '_zod' in v;
/**
 * The core traits ($ZodString, $ZodObject…): what the schema is, whichever flavour built it. Classic objects add
 * $ZodObjectJIT, a parser compiled with `new Function` when allowed: the console's CSP allows no eval, so its objects
 * parse with the plain $ZodObject either way.
 */
const coreTraits = (s: { _zod: { traits: Set<string> } }) =>
  [...s._zod.traits].filter((t) => t.startsWith('$') && t !== '$ZodObjectJIT').sort();

function same(a: unknown, b: unknown, path: string, seen: Set<unknown>): void {
  if (isSchema(a) || isSchema(b)) {
    assert.ok(isSchema(a) && isSchema(b), `${path}: a schema on one side only`);
    if (seen.has(a)) return;
    seen.add(a);
    assert.deepEqual(coreTraits(b), coreTraits(a), `${path}: core types`);
    same(a._zod.def, b._zod.def, `${path}.def`, seen);
    return;
  }
  if (typeof a === 'function' || typeof b === 'function') {
    assert.equal(typeof b, typeof a, `${path}: a function on one side only`);
    // An error message given as text is a function returning it: the messages must match, not the closures.
    if (path.endsWith('.error')) assert.equal(safeCall(b), safeCall(a), `${path}: message`);
    return;
  }
  if (a instanceof RegExp || b instanceof RegExp) {
    assert.equal(String(b), String(a), `${path}: pattern`);
    return;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    assert.ok(Array.isArray(a) && Array.isArray(b), `${path}: an array on one side only`);
    assert.equal(b.length, a.length, `${path}: length`);
    for (const [i, x] of a.entries()) same(x, b[i], `${path}[${i}]`, seen);
    return;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = (o: object) => Object.keys(o).filter((k) => (o as Any)[k] !== undefined);
    assert.deepEqual(keys(b).sort(), keys(a).sort(), `${path}: keys`);
    for (const k of keys(a)) same((a as Any)[k], (b as Any)[k], `${path}.${k}`, seen);
    return;
  }
  assert.equal(b, a, path);
}

function safeCall(f: unknown): string {
  try {
    return String((f as (x: unknown) => unknown)({}));
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

const INPUTS: unknown[] = [
  undefined,
  null,
  {},
  [],
  '',
  'x',
  -1,
  1.5,
  2 ** 60,
  true,
  '0'.repeat(64),
  `0x${'a'.repeat(40)}`,
  { kind: 'x', id: 1 },
];
const outcome = (
  s: { safeParse(x: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } } },
  x: unknown,
) => {
  const r = s.safeParse(x);
  return r.success ? { ok: JSON.stringify(r.data) } : { issues: JSON.parse(JSON.stringify(r.error?.issues)) };
};

describe('the console bundle builds the contract on zod/mini', () => {
  it('with the same schemas as classic zod, export by export', async () => {
    const modules = await contractModules();
    assert.ok(modules.length >= 5, `the console bundles the contract (${modules.join(', ')})`);
    const dir = mkdtempSync(join(tmpdir(), 'aleph-zodlite-'));
    try {
      const entry = modules.map((f, i) => `export * as m${i} from ${JSON.stringify(resolve(f))};`).join('\n');
      const out = join(dir, 'lite.mjs');
      await build({
        stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
        bundle: true,
        format: 'esm',
        platform: 'node',
        outfile: out,
        plugins: [zodLite],
        logLevel: 'silent',
      });
      const lite = (await import(pathToFileURL(out).href)) as Record<string, Any>;
      let compared = 0;
      for (const [i, f] of modules.entries()) {
        const classic = (await import(pathToFileURL(resolve(f)).href)) as Any;
        const mini = lite[`m${i}`]!;
        for (const [name, value] of Object.entries(classic)) {
          if (!isSchema(value)) continue;
          const other = mini[name];
          assert.ok(isSchema(other), `${f} ${name}: not a schema in the console build`);
          assert.ok(!('toJSONSchema' in other), `${f} ${name}: built by classic zod, not zodLite`);
          same(value, other, `${f} ${name}`, new Set());
          const parse = value as unknown as Parameters<typeof outcome>[0];
          for (const x of INPUTS)
            assert.deepEqual(outcome(other as never, x), outcome(parse, x), `${f} ${name} on ${JSON.stringify(x)}`);
          compared++;
        }
      }
      assert.ok(compared >= 30, `compared ${compared} schemas`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
