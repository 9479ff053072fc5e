import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The packages the SDK needs at run time: every non-dev entry of the lock that sits at the top of node_modules. */
function runtimePackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, meta]) => path !== '' && !meta.dev && path.split('node_modules/').length === 2)
    .map(([path]) => path)
    .filter((path) => existsSync(join(ROOT, path)));
}

// A consumer's project: the dependencies come from this checkout's node_modules (hard links where the file system
// allows) so that the install needs no network and no native rebuild; dev-only packages (tsx, typescript) are left
// out, so the installed SDK proves it runs without them.
function consumerProject(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  for (const path of runtimePackages()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    const linked = spawnSync('cp', ['-al', join(ROOT, path), join(dir, path)]);
    if (linked.status !== 0) cpSync(join(ROOT, path), join(dir, path), { recursive: true, verbatimSymlinks: true });
  }
}

const CHECK_TS = `import { AlephClient, accountFromPrivateKey } from 'aleph-ts';
import { canonicalJson } from 'aleph-ts/policy';
import { toChecksumAddress } from 'aleph-ts/protocol';

const address: string = toChecksumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
// The declarations are real, not \`any\`: tsc fails on an unused expectation.
// @ts-expect-error an address is a string
export const wrong = () => toChecksumAddress(42);
const account = accountFromPrivateKey('0x' + '11'.repeat(32));
const client = new AlephClient({ apiUrl: 'http://127.0.0.1:1', account });
const json = canonicalJson({ b: 1, a: [true] });
console.log(JSON.stringify({ address, json, client: typeof client, sender: account.address }));
`;

describe('the packed SDK installs into a fresh project and runs without the sources or tsx', () => {
  let work: string;
  let tarball: string;
  let entries: string[];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'aleph-pack-'));
    // prepack builds dist/ (incremental: a no-op when `npm run build` already ran, as scripts/setup.sh does).
    // A build after sources changed recompiles them all: minutes on a loaded 2-core machine.
    run('npm', ['pack', '--silent', '--pack-destination', work], ROOT, 600_000);
    const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(name, 'npm pack wrote no tarball');
    tarball = join(work, name);
    entries = run('tar', ['tzf', tarball], work).split('\n').filter(Boolean);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships dist/ and bin/, with declarations, and no tests, sources or build state', () => {
    for (const f of ['bin/aleph.js', 'dist/cli/main.js', 'package.json'])
      assert.ok(entries.includes(`package/${f}`), f);
    for (const sub of ['client', 'policy', 'protocol']) {
      assert.ok(entries.includes(`package/dist/${sub}/index.js`), sub);
      assert.ok(entries.includes(`package/dist/${sub}/index.d.ts`), `${sub} types`);
    }
    const unwanted = entries.filter((f) =>
      /\.test\.|\/testing\/|\/fuzz\/|testFixtures|tsbuildinfo|^package\/(src|bench)\//.test(f),
    );
    assert.deepEqual(unwanted, []);
    assert.deepEqual(
      entries.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
      [],
    );
  });

  it('imports aleph-ts, aleph-ts/policy and aleph-ts/protocol with their types, and runs `aleph --help`', () => {
    const app = join(work, 'app');
    consumerProject(app);
    run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], app);
    assert.ok(!existsSync(join(app, 'node_modules', 'tsx')), 'tsx is a devDependency and must not be installed');

    // Types: a strict NodeNext compile of a consumer file against the installed declarations (the consumer brings
    // @types/node, as any Node project does), then the emitted JavaScript runs.
    mkdirSync(join(app, 'node_modules', '@types'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(app, 'node_modules', '@types', 'node'));
    writeFileSync(join(app, 'check.ts'), CHECK_TS);
    const compilerOptions = { module: 'NodeNext', target: 'ES2022', strict: true, skipLibCheck: true, types: ['node'] };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
    const out = JSON.parse(run(process.execPath, ['check.js'], app)) as Record<string, string>;
    assert.equal(out.address, '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    assert.equal(out.json, '{"a":[true],"b":1}');
    assert.equal(out.client, 'object');
    assert.match(out.sender, /^0x[0-9a-fA-F]{40}$/);

    const help = run(join(app, 'node_modules', '.bin', 'aleph'), ['--help'], app);
    assert.match(help, /^Usage: aleph /);
    assert.match(help, /program/);
  });
});
