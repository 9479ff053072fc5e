import assert from 'node:assert/strict';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SandboxFixture, START_PATHS, get } from '../testing/sandboxFixture.js';
import { PROBE_KINDS } from '../testing/probeApps.js';
import type { SandboxSpec } from './types.js';
import { runInSandbox } from './runInSandbox.js';
import { cachedRuntime } from '../runtime/runtimeCache.js';

function hostAnswers(to: net.NetConnectOpts): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(to, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function ask(socketPath: string, path: string): Promise<{ ok: boolean; value?: string; error?: string }> {
  return JSON.parse((await get(socketPath, path)).body) as { ok: boolean; value?: string; error?: string };
}

// Every kind of entry point starts its sandbox through its own launcher: each runs the whole suite, on both start
// paths where it has both (a run.sh script is never pooled): a fresh sandbox, and a pooled one given its program.
for (const probe of PROBE_KINDS)
  for (const path of START_PATHS.filter((p) => p === 'cold' || probe.kind !== 'run.sh script'))
    describe(`sandbox isolation (${probe.kind}, ${path})`, () => {
      const fx = new SandboxFixture(path);
      const start = async (spec: Partial<SandboxSpec> = {}) => {
        const started = await fx.start(probe.runtime, {
          codeDir: fx.code(probe.files),
          entrypoint: probe.entrypoint,
          ...spec,
        });
        assert.equal(started.pooled, path === 'pooled', 'the start path under test');
        return started;
      };
      let hostServer: net.Server;
      let abstractServer: net.Server;
      let port = 0;
      let anyServer: net.Server;
      let anyPort = 0;
      let ownIpServer: net.Server;
      let ownIpPort = 0;
      // The host's own non-loopback addresses: slirp4netns would connect to them from the host's namespace.
      const hostIps = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && !a.internal && a.family === 'IPv4')
        .map((a) => a!.address);
      const abstractName = `aleph-test-host-${process.pid}`;
      before(async () => {
        hostServer = net.createServer((c) => {
          c.on('error', () => {});
          c.end('host secret service\n');
        });
        await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', r));
        port = (hostServer.address() as net.AddressInfo).port;
        abstractServer = net.createServer((c) => {
          c.on('error', () => {});
          c.end('host abstract socket\n');
        });
        await new Promise<void>((r) => abstractServer.listen({ path: '\0' + abstractName }, r));
        anyServer = net.createServer((c) => {
          c.on('error', () => {});
          c.end('host service on every address\n');
        });
        await new Promise<void>((r) => anyServer.listen(0, '0.0.0.0', r));
        anyPort = (anyServer.address() as net.AddressInfo).port;
        ownIpServer = net.createServer((c) => {
          c.on('error', () => {});
          c.end('host service on its LAN address\n');
        });
        await new Promise<void>((r) => ownIpServer.listen(0, hostIps[0] ?? '127.0.0.1', r));
        ownIpPort = (ownIpServer.address() as net.AddressInfo).port;
      });
      after(async () => {
        hostServer.close();
        abstractServer.close();
        anyServer.close();
        ownIpServer.close();
        await fx.dispose();
      });

      it('cannot read a host file outside its mounts, and sees its own root, uid and hostname', async () => {
        const secret = join(fx.mkdir('secrets'), 'secret.txt');
        writeFileSync(secret, 'TOP SECRET');
        const { handle } = await start();
        await handle.ready;
        assert.deepEqual(await ask(handle.socketPath, `/read?path=${encodeURIComponent(secret)}`), {
          ok: false,
          error: 'ENOENT',
        });
        assert.equal((await ask(handle.socketPath, '/read?path=/etc/hostname')).ok, false);
        assert.match((await ask(handle.socketPath, '/read?path=/proc/self/status')).value!, /^Uid:\s+1000\s/m);
        assert.deepEqual(await ask(handle.socketPath, '/read?path=/proc/sys/kernel/hostname'), {
          ok: true,
          value: 'aleph\n',
        });
        // Own pid namespace: pid 1 is bwrap's init; its options went via --args, so no host path shows.
        const init = (await ask(handle.socketPath, '/read?path=/proc/1/cmdline')).value!;
        assert.match(init, /^bwrap\0--args\0/);
        assert.ok(!init.includes(fx.dir), init);
      });

      it("sees nothing of the node's environment in /proc/1/environ (bwrap, the sandbox's pid 1) or its own", async () => {
        process.env.ALEPH_TEST_CANARY = 'node-secret';
        try {
          const { handle } = await start({ env: { MINE: 'yes' } });
          await handle.ready;
          assert.deepEqual(await ask(handle.socketPath, '/read?path=/proc/1/environ'), {
            ok: true,
            value: 'PATH=/usr/bin:/bin\0',
          });
          const own = (await ask(handle.socketPath, '/read?path=/proc/self/environ'))
            .value!.split('\0')
            .filter(Boolean)
            .map((kv) => kv.split('=')[0])
            .sort();
          // A pooled launcher sets the program's variables once it is assigned (process.env / os.environ, which
          // its children inherit): /proc/self/environ keeps what the interpreter started with.
          const expected = [
            'HOME',
            'LANG',
            'MINE',
            'PATH',
            'PWD',
            'PYTHONDONTWRITEBYTECODE',
            'PYTHONUNBUFFERED',
          ].filter((k) => path === 'cold' || k !== 'MINE');
          assert.deepEqual(own, probe.kind === 'run.sh script' ? [...expected, 'PORT'].sort() : expected);
          assert.deepEqual(await ask(handle.socketPath, '/env?name=MINE'), { ok: true, value: 'yes' });
          assert.deepEqual(await ask(handle.socketPath, '/env?name=ALEPH_TEST_CANARY'), { ok: true, value: null });
          const mountinfo = (await ask(handle.socketPath, '/read?path=/proc/self/mountinfo')).value!;
          assert.ok(!mountinfo.includes('node-secret'), mountinfo);
        } finally {
          delete process.env.ALEPH_TEST_CANARY;
        }
      });

      it('sees no host path in /proc/self/mountinfo: code, runtime and launcher are overlays rooted at themselves', async () => {
        const codeDir = fx.code(probe.files);
        const runtimeRoot = await cachedRuntime(probe.runtime);
        const { handle } = await start({ codeDir });
        await handle.ready;
        const mountinfo = (await ask(handle.socketPath, '/read?path=/proc/self/mountinfo')).value!;
        for (const host of [fx.dir, codeDir, runtimeRoot, tmpdir() + '/'])
          assert.ok(!mountinfo.includes(host), `${host} shows in\n${mountinfo}`);
        // Field 4 is each mount's root within its filesystem: for a bind of a host directory, the host path itself.
        const roots = mountinfo
          .trim()
          .split('\n')
          .map((l) => {
            const f = l.split(' ');
            return { root: f[3], at: f[4], type: f[f.indexOf('-') + 1] };
          });
        for (const at of ['/opt/code', '/opt/aleph', '/usr']) {
          const m = roots.find((r) => r.at === at);
          assert.equal(m?.type, 'overlay', `${at}: ${JSON.stringify(m)}`);
          assert.equal(m?.root, at === '/usr' ? '/usr' : '/');
        }
      });

      it('cannot write to the runtime root or its code', async () => {
        const { handle } = await start();
        await handle.ready;
        assert.deepEqual(await ask(handle.socketPath, '/write?path=/usr/bin/evil'), { ok: false, error: 'EROFS' });
        assert.deepEqual(await ask(handle.socketPath, '/write?path=/opt/code/probe.js'), { ok: false, error: 'EROFS' });
        assert.deepEqual(await ask(handle.socketPath, '/write?path=/tmp/scratch'), { ok: true, value: 'written' });
      });

      for (const internet of [false, true]) {
        it(`cannot reach a 127.0.0.1 TCP server or an abstract unix socket of the host (internet ${internet ? 'on' : 'off'})`, async () => {
          const { handle } = await start({ internet });
          await handle.ready;
          assert.deepEqual(await ask(handle.socketPath, `/connect?port=${port}`), { ok: false, error: 'ECONNREFUSED' });
          assert.deepEqual(await ask(handle.socketPath, `/connect?abstract=${abstractName}`), {
            ok: false,
            error: 'ECONNREFUSED',
          });
          // The host answers both (the attack would work without the sandbox's own network namespace).
          assert.equal(await hostAnswers({ port }), true);
          assert.equal(await hostAnswers({ path: '\0' + abstractName }), true);
          const names = Object.keys(JSON.parse((await ask(handle.socketPath, '/ifaces')).value!) as object).sort();
          assert.deepEqual(names, internet ? ['lo', 'tap0'] : ['lo']);
        });

        it(`cannot reach a host listener on 0.0.0.0 or on the host's own LAN address (internet ${internet ? 'on' : 'off'})`, async (t) => {
          if (hostIps.length === 0) return t.skip('this host has no non-loopback IPv4 address');
          const { handle } = await start({ internet });
          await handle.ready;
          for (const host of hostIps) {
            // The host answers on each (through slirp4netns, which connects from the host's namespace, it would too).
            assert.equal(await hostAnswers({ host, port: anyPort }), true);
            const refused = internet ? 'ECONNREFUSED' : 'ENETUNREACH';
            assert.deepEqual(
              await ask(handle.socketPath, `/connect?port=${anyPort}&host=${host}`),
              { ok: false, error: refused },
              host,
            );
            assert.deepEqual(await ask(handle.socketPath, `/connect?port=${anyPort}&host=10.0.2.2`), {
              ok: false,
              error: internet ? 'ECONNREFUSED' : 'ENETUNREACH',
            });
          }
          assert.equal(await hostAnswers({ host: hostIps[0], port: ownIpPort }), true);
          assert.deepEqual(await ask(handle.socketPath, `/connect?port=${ownIpPort}&host=${hostIps[0]}`), {
            ok: false,
            error: internet ? 'ECONNREFUSED' : 'ENETUNREACH',
          });
        });
      }

      // Only the node probe reads interfaces (os.networkInterfaces); the namespace is the same for every kind.
      if (probe.kind === 'node module')
        it('with internet on, has tap0 with an address and a default route, and 10.0.2.2 does not lead to host loopback', async () => {
          const { handle } = await start({ internet: true });
          await handle.ready;
          const ifaces = JSON.parse((await ask(handle.socketPath, '/ifaces')).value!) as Record<
            string,
            Array<{ family: string; address: string }>
          >;
          assert.deepEqual(
            ifaces.tap0.filter((a) => a.family === 'IPv4').map((a) => a.address),
            ['10.0.2.100'],
          );
          const routes = (await ask(handle.socketPath, '/read?path=/proc/net/route'))
            .value!.split('\n')
            .slice(1)
            .map((l) => l.split('\t'));
          assert.ok(
            routes.some((r) => r[0] === 'tap0' && r[1] === '00000000' && r[2] === '0202000A'),
            'default route via 10.0.2.2',
          );
          assert.equal((await ask(handle.socketPath, '/read?path=/etc/resolv.conf')).value, 'nameserver 10.0.2.3\n');
          const via = await ask(handle.socketPath, `/connect?port=${port}&host=10.0.2.2`);
          assert.equal(via.ok, false, JSON.stringify(via));
          // Still served over its socket as ever.
          assert.equal((await get(handle.socketPath, '/')).status, 200);
        });
    });

describe('one-off sandboxes (runInSandbox)', () => {
  it('get their own network too: lo only, or lo and tap0 with internet', async () => {
    const runtimeRoot = await cachedRuntime('python');
    const script = 'import socket; print(sorted(n for _, n in socket.if_nameindex()))';
    for (const [internet, names] of [
      [false, "['lo']"],
      [true, "['lo', 'tap0']"],
    ] as const) {
      const r = await runInSandbox({
        runtimeRoot,
        argv: ['/usr/bin/python3', '-c', script],
        internet,
        timeoutMs: 20_000,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), names);
    }
  });
});
