// The compute half of `npm run bench -- cluster` (issue 9): failover of a program when the compute node serving it
// is killed with -9, on one core node (SQLite) and two `aleph compute` processes. Run alone with
// `npm run bench -- clusterFailover` (bench/results/clusterFailover.json); bench/cluster.ts takes its rows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../src/client/accounts/account.js';
import { deployProgram } from '../src/client/actions/deployProgram.js';
import { getProgramLogs } from '../src/client/actions/programLogs.js';
import { prepareCode } from '../src/client/code/prepareCode.js';
import { placeProgram } from '../src/compute/fleet/placement.js';
import { SERVED_BY_HEADER } from '../src/compute/fleet/fleetRoute.js';
import { computeAccount } from '../src/compute/supervisor/servingReports.js';
import { startComputeProcess, type ComputeProcess } from '../src/compute/testing/computeProcess.js';
import { startDevnet } from '../src/devnet/startDevnet.js';
import { computeAboutSchema } from '../src/protocol/api/computeSchemas.js';
import { percentile, writeResult } from './writeResult.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PROGRAM = `console.log('booted');
exports.handler = (req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); };
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<number> {
  const t0 = Date.now();
  while (!(await ok().catch(() => false))) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
  return Date.now();
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), max: s[s.length - 1] ?? NaN, runs: s };
};

/** Kills the compute node serving a program, `ROUNDS` times, and times what the survivor does. */
export async function runClusterFailover(): Promise<Record<string, unknown>> {
  const home = mkdtempSync(join(tmpdir(), 'aleph-bench-cluster-'));
  const homes = ['a', 'b'].map((n) => join(home, `compute-${n}`));
  const devnet = await startDevnet({
    home: join(home, 'core'),
    apiPort: 0,
    computePort: null,
    computeAllow: homes.map((h) => computeAccount(h).address),
  });
  const config = { apiUrl: devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'BENCH' };
  const start = (i: number) =>
    startComputeProcess({ apiUrl: devnet.apiUrl, home: homes[i]!, name: `c${i}`, programUids: 300_000 + i * 70_000 });
  const nodes: ComputeProcess[] = await Promise.all([start(0), start(1)]);
  const seesAll = () =>
    until('every compute node sees the whole fleet', async () => {
      for (const c of nodes) {
        const about = computeAboutSchema.parse(await (await fetch(`${c.url}/about`)).json());
        if (about.fleet?.length !== nodes.length) return false;
      }
      return true;
    });
  let dirs = 0;
  const deploy = (persistent: boolean) => {
    const dir = join(home, `code-${dirs++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), PROGRAM);
    return deployProgram(config, {
      code: prepareCode(dir),
      entrypoint: 'main.js:handler',
      runtime: devnet.runtimes.node!,
      persistent,
    });
  };
  const firstServed: number[] = [];
  const replaced: number[] = [];
  const persistentUp: number[] = [];
  let served = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      await seesAll();
      // A loaded persistent program and an idle one, both on the node about to die.
      const onVictim: string[] = [];
      let victim: ComputeProcess | null = null;
      while (onVictim.length < 2) {
        const p = await deploy(true);
        const on = placeProgram(p.id, nodes)!;
        victim ??= on;
        if (on === victim) onVictim.push(p.id);
      }
      const [loaded, idle] = onVictim as [string, string];
      const survivor = nodes.find((c) => c !== victim)!;
      await until('the loaded program answers through the survivor', async () => {
        const r = await fetch(`${survivor.url}/vm/${loaded}/`);
        return r.status === 200 && r.headers.get(SERVED_BY_HEADER) === victim!.address;
      });
      let stop = false;
      let first = 0;
      const hammer = async () => {
        while (!stop) {
          const r = await fetch(`${survivor.url}/vm/${loaded}/`).catch(() => null);
          const body = await r?.text().catch(() => '');
          if (r?.status === 200) {
            served++;
            if (!first && r.headers.get(SERVED_BY_HEADER) === survivor.address) first = Date.now();
          } else {
            failed++;
            const why = r
              ? `${r.status} ${/"error_code":"(\w+)"/.exec(body ?? '')?.[1] ?? ''} ${/"reason":"([^"]{0,60})/.exec(body ?? '')?.[1] ?? ''}`
              : 'no answer';
            failures[why] = (failures[why] ?? 0) + 1;
          }
        }
      };
      const hammers = Array.from({ length: 8 }, hammer);
      await sleep(500);
      const killed = Date.now();
      await victim!.kill9();
      const gone = await until('the survivor drops the victim', async () => {
        const about = computeAboutSchema.parse(await (await fetch(`${survivor.url}/about`)).json());
        return about.fleet?.length === 1;
      });
      const up = await until('the idle persistent program on the survivor', async () =>
        (await getProgramLogs(config.account, { computeUrl: survivor.url, id: idle })).some(
          (l) => l.MESSAGE === 'booted',
        ),
      );
      await until('an answer from the survivor', async () => first > 0);
      stop = true;
      await Promise.all(hammers);
      firstServed.push(first - killed);
      replaced.push(gone - killed);
      persistentUp.push(up - killed);
      // The victim comes back on its home (same key) for the next round.
      const i = nodes.indexOf(victim!);
      nodes[i] = await start(i);
    }
  } finally {
    await Promise.all(nodes.map((c) => c.stop()));
    await devnet.close();
    rmSync(home, { recursive: true, force: true });
  }
  return {
    setup: 'one core node (SQLite) in this process, two `aleph compute` processes; 8 clients on the survivor',
    rounds: ROUNDS,
    failover_first_200_ms: stats(firstServed),
    fleet_drops_victim_ms: stats(replaced),
    persistent_started_on_survivor_ms: stats(persistentUp),
    requests_served: served,
    requests_failed: failed,
    failures,
    notes:
      'first_200: kill -9 to the first 200 served by the survivor (it serves a program whose placed node refuses ' +
      'connections itself); fleet_drops_victim: until the survivor places over a live set without the victim ' +
      '(heartbeat every 1 s, live window 3 s); persistent_started: an idle persistent program booted on the survivor',
  };
}

// `npm run bench -- clusterFailover` (bench/run.ts imports this file with that name); not when imported by cluster.ts.
if (process.argv[2] === 'clusterFailover') {
  writeResult('clusterFailover', await runClusterFailover());
}
