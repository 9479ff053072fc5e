// `npm run bench -- consolePaint`: the web console's cold first meaningful paint (issue 11: < 300 ms on the devnet)
// in Debian's headless chromium, against real devnets. Every load is a fresh browser context (empty HTTP cache, no
// code cache), so each is a first visit. CONSOLE_DIRS="label=dir,label=dir" compares builds in one run: one devnet
// per build, loads alternated between them, so a busy machine weighs on both alike (default: after=dist/console).
// Per page: first-data (the app's `aleph:first-data` mark: the first complete answer rendered), first contentful
// paint, and where the time went: the page's HTML in, the app's bundle in, the app evaluated (its `aleph:app` mark;
// -1 for builds without it), the first API request sent (by the boot script, or by the app) and the last answer in.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startDevnet, type Devnet } from '../src/devnet/startDevnet.js';
import { deployCode, governedFiles } from '../src/node/testing/governanceHarness.js';
import { newAccount } from '../src/node/testing/nodeHarness.js';
import { percentile, writeResult } from './writeResult.js';

const LOADS = Number(process.env.CONSOLE_LOADS ?? 10);
const builds = (process.env.CONSOLE_DIRS ?? 'after=dist/console').split(',').map((x) => {
  const [label, dir] = x.split('=');
  if (!label || !dir) throw new Error(`CONSOLE_DIRS: "${x}" is not label=dir`);
  return { label, dir: resolve(dir) };
});

interface Load {
  first_data: number;
  fcp: number;
  html_end: number;
  script_end: number;
  app_evaluated: number;
  api_start: number;
  api_end: number;
}

const homes: string[] = [];
const nets: { label: string; devnet: Devnet; program: string }[] = [];
const me = newAccount();
for (const b of builds) {
  const home = mkdtempSync(join(tmpdir(), 'aleph-paint-'));
  homes.push(home);
  const devnet = await startDevnet({ home, apiPort: 0, computePort: 0, consoleDir: b.dir });
  const toml = `name = "greeter"\nupgrade_policy = "compatible"\nconstructor = '@admin(address="${me.address}")'\n`;
  const d = await deployCode(devnet.apiUrl, me, governedFiles(toml), { name: 'greeter' });
  if (d.answer.status !== 200) throw new Error(`deploy: ${JSON.stringify(d.answer.body)}`);
  nets.push({ label: b.label, devnet, program: d.id });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-sync'],
});

async function load(url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => performance.getEntriesByName('aleph:first-data').length > 0, null, {
      timeout: 20_000,
    });
    return await page.evaluate(() => {
      const mark = performance.getEntriesByName('aleph:first-data')[0]!.startTime;
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      // The app's bundle (not the boot script, which older builds lack).
      const script = res.find((r) => /\/console\/assets\/console-[^/]*\.js$/.test(r.name));
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const api = res.filter((r) => r.name.includes('/api/v0/') && r.startTime <= mark);
      return {
        first_data: mark,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
        html_end: nav?.responseEnd ?? -1,
        script_end: script?.responseEnd ?? -1,
        app_evaluated: performance.getEntriesByName('aleph:app')[0]?.startTime ?? -1,
        api_start: api.length ? Math.min(...api.map((r) => r.startTime)) : -1,
        api_end: api.length ? Math.max(...api.map((r) => r.responseEnd)) : -1,
      };
    });
  } finally {
    await context.close();
  }
}

const pages: { page: string; path: (program: string) => string }[] = [
  { page: 'network', path: () => '/console/' },
  { page: 'programs', path: () => '/console/programs' },
  { page: 'program', path: (id) => `/console/programs/${id}` },
];
const samples = new Map<string, Load[]>();
// One warm-up load per devnet (the node's first answers compile its queries), not counted.
for (const n of nets) await load(`${n.devnet.apiUrl}/console/`);
for (let i = 0; i < LOADS; i++) {
  for (const p of pages) {
    for (const n of nets) {
      const key = `${n.label} ${p.page}`;
      const s = samples.get(key) ?? [];
      s.push(await load(`${n.devnet.apiUrl}${p.path(n.program)}`));
      samples.set(key, s);
    }
  }
}
await browser.close();
for (const n of nets) await n.devnet.close();
for (const h of homes) rmSync(h, { recursive: true, force: true });

const p = (xs: number[], q: number) =>
  +percentile(
    [...xs].sort((a, b) => a - b),
    q,
  ).toFixed(1);
const rows = [...samples].map(([key, s]) => {
  const [build, page] = key.split(' ');
  const col = (f: keyof Load) => s.map((x) => x[f]);
  return {
    build,
    page,
    first_data_p50: p(col('first_data'), 50),
    first_data_p95: p(col('first_data'), 95),
    fcp_p50: p(col('fcp'), 50),
    html_end_p50: p(col('html_end'), 50),
    script_end_p50: p(col('script_end'), 50),
    app_evaluated_p50: p(col('app_evaluated'), 50),
    api_start_p50: p(col('api_start'), 50),
    api_end_p50: p(col('api_end'), 50),
  };
});
writeResult('consolePaint', {
  note: 'ms since navigation start; each load a fresh headless-chromium context against a devnet on 127.0.0.1',
  loads: LOADS,
  loadavg_1m: +loadavg()[0]!.toFixed(2),
  builds: builds.map((b) => `${b.label}=${b.dir}`),
  rows,
});
