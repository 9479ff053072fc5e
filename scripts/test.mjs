#!/usr/bin/env node
// Runs every colocated *.test.ts with node's own test runner (Node 20 has no --test globs); then, when
// PostgreSQL's binaries are installed, the node's tests a second time on a private PostgreSQL cluster
// (scripts/postgres.sh), each test node on a fresh database of its own (src/node/testing/testStore.ts).
//   node scripts/test.mjs [PATH-SUBSTRING…]   those files, on SQLite (or on ALEPH_TEST_PG if set)
//   node scripts/test.mjs --pg [PATH-SUBSTRING…]   those files on a private PostgreSQL only
// With no substring: everything on SQLite, then the node's tests on PostgreSQL (ALEPH_TEST_PG=off skips them).
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const args = process.argv.slice(2);
const pgOnly = args.includes('--pg');
const filter = args.filter((a) => a !== '--pg');
const files = collect('src', [])
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();

/** The node's tests that start nodes (SQLite-only ones, the planner's and the fuzzer's, stay out). */
const ON_POSTGRES = (f) =>
  (f.startsWith('src/node/') || f === 'src/cli/node.e2e.test.ts') &&
  !['src/node/fuzz/', 'src/node/store/partialIndexes', 'src/node/fairTurn', 'src/node/governance/chainState'].some(
    (x) => f.startsWith(x),
  );

function run(list, env = process.env) {
  if (list.length === 0) return 0;
  const r = spawnSync(
    process.execPath,
    // holdToContract: every answer and stream frame a test reads from a node is held to the API contract.
    [
      '--import',
      'tsx',
      '--import',
      './src/protocol/testing/holdToContract.ts',
      '--test',
      '--test-concurrency=2',
      ...list,
    ],
    { stdio: 'inherit', env },
  );
  return r.status ?? 1;
}

async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const pgInstalled = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;

/** The files on a private cluster started for this run (removed after). */
async function runOnPostgres(list) {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-test-pg-'));
  chmodSync(dir, 0o755); // run as root, the cluster belongs to the postgres user, which must reach its directory
  const port = String(await freePort());
  const start = spawnSync('bash', ['scripts/postgres.sh', 'start', join(dir, 'data'), port], { encoding: 'utf8' });
  if (start.status !== 0) {
    process.stderr.write(start.stderr);
    rmSync(dir, { recursive: true, force: true });
    return 1;
  }
  const url = start.stdout.trim();
  console.log(`# the node's tests again, on PostgreSQL (${url})`);
  try {
    return run(list, { ...process.env, ALEPH_TEST_PG: url });
  } finally {
    spawnSync('bash', ['scripts/postgres.sh', 'stop', join(dir, 'data')], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  }
}

let status;
if (pgOnly) status = await runOnPostgres(files);
else {
  status = run(files, process.env.ALEPH_TEST_PG === 'off' ? { ...process.env, ALEPH_TEST_PG: '' } : process.env);
  const second = filter.length === 0 && !process.env.ALEPH_TEST_PG && pgInstalled();
  if (process.env.ALEPH_TEST_PG === 'off') {
    // skipped on request
  } else if (second) status = (await runOnPostgres(files.filter(ON_POSTGRES))) || status;
}
process.exit(status);
