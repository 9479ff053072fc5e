import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hammerVersions } from '../testing/versionHammer.js';
import net from 'node:net';
import WebSocket from 'ws';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { accountFromPrivateKey } from '../../client/accounts/account.js';
import { deployProgram } from '../../client/actions/deployProgram.js';
import { getProgramLogs, signedOperatorHeaders, type ProgramLogRecord } from '../../client/actions/programLogs.js';
import { listComputeNodes } from '../../client/actions/listComputeNodes.js';
import { updateProgramCode } from '../../client/actions/updateProgramCode.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import type { ClientConfig } from '../../client/transport/clientConfig.js';
import { startDevnet, type Devnet } from '../../devnet/startDevnet.js';
import { computeAboutSchema, computeTrafficSchema } from '../../protocol/api/computeSchemas.js';
import { computeAccount } from '../supervisor/servingReports.js';
import { startComputeProcess, type ComputeProcess } from '../testing/computeProcess.js';
import { FORWARDED_HEADER, signMarker } from './forwardMarker.js';
import { SERVED_BY_HEADER } from './fleetRoute.js';
import { placeProgram } from './placement.js';

// Counts what reached it, echoes bodies, says its version, and echoes raw bytes after an Upgrade.
const program = (version: number) => String.raw`
const http = require('node:http');
let seen = 0;
console.log('booted v${version}');
const server = http.createServer((req, res) => {
  seen++;
  if (req.url === '/count') return res.end(String(seen));
  if (req.url === '/echo') { req.pipe(res); return; }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ version: ${version} }));
});
server.on('upgrade', (req, socket, head) => {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
  if (head.length) socket.write(head);
  socket.pipe(socket);
});
exports.server = server;
`;

function rawExchange(url: string, raw: string, until: RegExp): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect(Number(u.port), u.hostname, () => s.write(raw));
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      got += c;
      if (until.test(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

const until = async (what: string, ok: () => Promise<boolean>, ms = 20_000) => {
  for (const t0 = Date.now(); !(await ok()); ) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// One core node (SQLite) and two compute nodes, each its own `aleph compute` process (DESIGN §8).
describe('a fleet of two compute nodes behind one core node', () => {
  let home: string;
  let devnet: Devnet;
  let config: ClientConfig;
  const nodes: ComputeProcess[] = [];
  const homes: string[] = [];
  let n = 0;
  const codeDir = (version: number) => {
    const dir = join(home, `code-${n++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), program(version));
    return dir;
  };
  const deploy = (opts: { persistent?: boolean } = {}) =>
    deployProgram(config, {
      code: prepareCode(codeDir(1)),
      entrypoint: 'main.js:server',
      runtime: devnet.runtimes.node!,
      updatable: true,
      ...opts,
    });
  const live = async () => (await listComputeNodes(config)).nodes.filter((x) => x.live);
  /**
   * A compute node's own logs of a program: marked as forwarded by that node itself, so it answers from its own
   * records rather than forwarding to where the program is placed (which `getProgramLogs` gets).
   */
  const ownLogs = async (c: ComputeProcess, id: string): Promise<ProgramLogRecord[]> => {
    const path = `/control/machine/${id}/logs`;
    const headers = await signedOperatorHeaders(config.account!, { domain: '127.0.0.1', method: 'GET', path });
    headers[FORWARDED_HEADER] = await signMarker(computeAccount(homes[nodes.indexOf(c)]!));
    const r = await fetch(`${c.url}${path}`, { headers });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as ProgramLogRecord[];
  };
  /** The frames of `stream_logs` on `url`, auth in the first frame, until `until` holds (or the stream ends). */
  const streamLogs = async (url: string, id: string, until: (frames: Array<Record<string, unknown>>) => boolean) => {
    const path = `/control/machine/${id}/stream_logs`;
    const h = await signedOperatorHeaders(config.account!, { domain: '127.0.0.1', method: 'GET', path });
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`);
    const frames: Array<Record<string, unknown>> = [];
    await new Promise<void>((resolve, reject) => {
      const auth = {
        'X-SignedPubKey': JSON.parse(h['X-SignedPubKey']!),
        'X-SignedOperation': JSON.parse(h['X-SignedOperation']!),
      };
      ws.on('open', () => ws.send(JSON.stringify({ auth })));
      ws.on('message', (d) => {
        frames.push(JSON.parse(d.toString()) as Record<string, unknown>);
        if (until(frames)) resolve();
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
      // Lines that never come (the stream served by a node that does not run the program) fail the test.
      setTimeout(resolve, 10_000).unref();
    });
    ws.close();
    return frames;
  };
  const placed = (id: string) => {
    const p = placeProgram(id, nodes)!;
    return { on: p, other: nodes.find((x) => x !== p)! };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-fleet-e2e-'));
    for (const name of ['a', 'b']) homes.push(join(home, `compute-${name}`));
    devnet = await startDevnet({
      home: join(home, 'core'),
      apiPort: 0,
      computePort: null,
      computeAllow: homes.map((h) => computeAccount(h).address),
    });
    config = { apiUrl: devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'TEST' };
    const started = await Promise.all(
      homes.map((h, i) =>
        startComputeProcess({ apiUrl: devnet.apiUrl, home: h, name: `c${i}`, programUids: 300_000 + i * 70_000 }),
      ),
    );
    nodes.push(...started);
    // Each compute node places over the live set it last heard: wait until both have heard of both.
    await until('both compute nodes see both', async () => {
      for (const c of nodes) {
        const about = computeAboutSchema.parse(await (await fetch(`${c.url}/about`)).json());
        if (about.fleet?.length !== 2) return false;
      }
      return true;
    });
  });
  after(async () => {
    await Promise.all(nodes.map((c) => c.stop()));
    await devnet?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('lists both compute nodes, registered with their own keys and names', async () => {
    const l = await live();
    assert.deepEqual(l.map((x) => x.address).sort(), nodes.map((x) => x.address).sort());
    assert.deepEqual(l.map((x) => x.name).sort(), ['c0', 'c1']);
  });

  it('answers /vm/{id}/ on every compute node, served by the one placed, in one hop', async () => {
    const p = await deploy();
    const { on, other } = placed(p.id);
    for (const c of [other, on, other]) {
      const r = await fetch(`${c.url}/vm/${p.id}/`);
      assert.equal(r.status, 200, await r.clone().text());
      assert.deepEqual(await r.json(), { version: 1 });
      assert.equal(r.headers.get(SERVED_BY_HEADER), on.address, `asked ${c.address}`);
      assert.equal(r.headers.get('x-aleph-program-id'), p.id);
    }
    // A body streams through the hop, and both nodes reach the one instance (its counter, asked alternately).
    const echo = await fetch(`${other.url}/vm/${p.id}/echo`, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal((await echo.text()).length, 100_000);
    const first = Number(await (await fetch(`${on.url}/vm/${p.id}/count`)).text());
    assert.equal(Number(await (await fetch(`${other.url}/vm/${p.id}/count`)).text()), first + 1);
    // Counted once, where served: the placed node has the six requests, the one that forwarded has none (the web
    // console adds up every live node's counts, open to its origin).
    const traffic = async (c: ComputeProcess) => {
      const r = await fetch(`${c.url}/control/machine/${p.id}/traffic`);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      const t = computeTrafficSchema.parse(await r.json());
      return [t.node, t.requests.reduce((a, b) => a + b), t.errors.reduce((a, b) => a + b)];
    };
    assert.deepEqual(await traffic(on), [on.address, 6, 0]);
    assert.deepEqual(await traffic(other), [other.address, 0, 0]);
    // The owner's logs, asked of either node, come from where the program runs.
    const logs = await getProgramLogs(config.account!, { computeUrl: other.url, id: p.id });
    assert.ok(
      logs.some((l) => l.MESSAGE === 'booted v1'),
      JSON.stringify(logs),
    );
    assert.deepEqual(await ownLogs(other, p.id), []);
    // And the stream_logs websocket (aleph-sdk-python's get_logs), opened on the other node.
    const streamed = await streamLogs(other.url, p.id, (f) => f.some((x) => x.message === 'booted v1'));
    assert.deepEqual(streamed[0], { status: 'connected' });
    assert.ok(
      streamed.some((x) => x.message === 'booted v1'),
      JSON.stringify(streamed.slice(0, 5)),
    );
    // So does an Upgrade (websockets), bytes both ways.
    const got = await rawExchange(
      other.url,
      `GET /vm/${p.id}/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping-after-head`,
      /ping-after-head/,
    );
    assert.match(got, /^HTTP\/1\.1 101 /);
    assert.match(got, /\r\n\r\nping-after-head$/);
  });

  it('serves a forwarded request where it lands (never forwards it again) and refuses a forged marker', async () => {
    const p = await deploy();
    const { on, other } = placed(p.id);
    // Signed by the placed node itself, as if it saw another live set: `other` must not send it back (a loop).
    const marker = await signMarker(computeAccount(homes[nodes.indexOf(on)]!));
    const r = await fetch(`${other.url}/vm/${p.id}/`, { headers: { [FORWARDED_HEADER]: marker } });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get(SERVED_BY_HEADER), other.address);

    const before = await (await fetch(`${on.url}/vm/${p.id}/count`)).text();
    const stranger = privateKeyToAccount(generatePrivateKey());
    const forged = [
      'garbage',
      await signMarker(stranger),
      await signMarker(computeAccount(homes[0]!), Date.now() - 120_000),
      marker.replace(/.$/, marker.endsWith('0') ? '1' : '0'),
      `${on.address}.${Math.floor(Date.now() / 1000)}.${(await signMarker(stranger)).split('.')[2]}`,
    ];
    for (const m of forged) {
      const x = await fetch(`${on.url}/vm/${p.id}/count`, { headers: { [FORWARDED_HEADER]: m } });
      assert.equal(x.status, 403, m);
      assert.equal(((await x.json()) as { error_code: string }).error_code, 'COMPUTE_FORWARD_INVALID', m);
    }
    // None reached the program: the counter moved by the one read below only.
    assert.equal(Number(await (await fetch(`${on.url}/vm/${p.id}/count`)).text()), Number(before) + 1);
  });

  it('live-upgrades with zero failed requests on both compute nodes', async () => {
    const p = await deploy();
    for (const c of nodes) assert.equal((await fetch(`${c.url}/vm/${p.id}/`)).status, 200);
    const on = (c: ComputeProcess) => () => fetch(`${c.url}/vm/${p.id}/`);
    const hammer = hammerVersions([on(nodes[0]!), on(nodes[1]!), on(nodes[0]!), on(nodes[1]!)]);
    await updateProgramCode(config, { hash: p.id, code: prepareCode(codeDir(2)) });
    const t0 = Date.now();
    while (hammer.counts.v2 < 20 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    const { failed, ok, v2, errors } = await hammer.stop();
    assert.equal(failed, 0, errors.slice(0, 3).join('\n'));
    assert.ok(v2 >= 20 && ok > 40, `ok ${ok}, v2 ${v2}`);
  });

  it('kill -9 of the compute node serving a program: it answers from the other within 10 s, persistent ones start there', async () => {
    // Three persistent programs: two of them share a node (pigeonhole). That node dies.
    const ps = [
      await deploy({ persistent: true }),
      await deploy({ persistent: true }),
      await deploy({ persistent: true }),
    ];
    const byNode = new Map<ComputeProcess, string[]>();
    for (const p of ps) byNode.set(placed(p.id).on, [...(byNode.get(placed(p.id).on) ?? []), p.id]);
    const [victim, [loaded, idle]] = [...byNode].find(([, ids]) => ids.length >= 2)! as [ComputeProcess, string[]];
    const survivor = nodes.find((c) => c !== victim)!;
    // Both run on the victim, started with no request; the survivor forwards to it.
    for (const id of [loaded!, idle!])
      await until(`${id} booted on the victim`, async () =>
        (await ownLogs(victim, id)).some((l) => l.MESSAGE === 'booted v1'),
      );
    assert.equal((await fetch(`${survivor.url}/vm/${loaded}/`)).headers.get(SERVED_BY_HEADER), victim.address);
    assert.ok(!(await ownLogs(survivor, idle!)).length);

    let stop = false;
    let firstFromSurvivor = 0;
    const hammer = async () => {
      while (!stop) {
        const r = await fetch(`${survivor.url}/vm/${loaded}/`).catch(() => null);
        if (r?.status === 200 && r.headers.get(SERVED_BY_HEADER) === survivor.address && !firstFromSurvivor)
          firstFromSurvivor = Date.now();
        await r?.arrayBuffer().catch(() => {});
      }
    };
    const hammers = [hammer(), hammer()];
    await new Promise((r) => setTimeout(r, 200));
    const killed = Date.now();
    await victim.kill9();
    await until('an answer from the survivor', async () => firstFromSurvivor > 0, 10_000);
    const failover = firstFromSurvivor - killed;
    stop = true;
    await Promise.all(hammers);
    assert.ok(failover < 10_000, `failover took ${failover} ms`);
    process.stdout.write(`# failover (kill -9 to the first 200 from the survivor): ${failover} ms\n`);
    // The idle persistent program starts on the survivor once the fleet drops the victim: no request needed.
    await until(
      'the idle persistent program on the survivor',
      async () => (await ownLogs(survivor, idle!)).some((l) => l.MESSAGE === 'booted v1'),
      10_000,
    );
    assert.deepEqual(
      (await live()).map((x) => x.address),
      [survivor.address],
    );

    // The victim comes back (same home, same key): its persistent programs move back, and the survivor stops them.
    const i = nodes.indexOf(victim);
    const back = await startComputeProcess({
      apiUrl: devnet.apiUrl,
      home: homes[i]!,
      name: `c${i}`,
      programUids: 300_000 + i * 70_000,
    });
    nodes[i] = back;
    await until('the idle program back on the restarted node', async () =>
      (await ownLogs(back, idle!)).some((l) => l.MESSAGE === 'booted v1'),
    );
    await until('the survivor stopping it', async () =>
      (await ownLogs(survivor, idle!)).some((l) => /placed on another compute node: stopping here/.test(l.MESSAGE)),
    );
  });
});
