import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';
import { PROC_MASKED, PROC_READONLY } from './procfsMasks.js';
import { PROGRAM_OOM_SCORE_ADJ } from './spawnBwrap.js';

type Answer = { ok: boolean; value?: string; error?: string };
async function ask(socketPath: string, path: string): Promise<Answer> {
  return JSON.parse((await get(socketPath, path)).body) as Answer;
}

/**
 * A program must not reach the host's privileges through the sandbox. The compute node runs as root, so the
 * sandbox uid maps to host uid 0: everything that checks the global uid rather than capabilities is an escape.
 */
describe('sandbox privileges: kernel settings', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());
  const probe = () => fx.start('node', { codeDir: fx.code({ 'probe.js': PROBE_APP }), entrypoint: 'probe.js:handler' });

  it('cannot set kernel.core_pattern or any other sysctl, and keeps answering', async () => {
    const { handle } = await probe();
    await handle.ready;
    // Each write puts back the value already there, so a failing test never changes the host.
    for (const knob of [
      '/proc/sys/kernel/core_pattern',
      '/proc/sys/kernel/modprobe',
      '/proc/sys/vm/swappiness',
      '/proc/sys/kernel/printk_ratelimit',
    ]) {
      if (!existsSync(knob)) continue;
      const current = readFileSync(knob, 'utf8').trimEnd();
      const seen = await ask(handle.socketPath, `/read?path=${encodeURIComponent(knob)}`);
      assert.equal(seen.ok, true, knob);
      assert.deepEqual(
        await ask(handle.socketPath, `/write?path=${encodeURIComponent(knob)}&data=${encodeURIComponent(current)}`),
        { ok: false, error: 'EROFS' },
        knob,
      );
    }
    assert.deepEqual(await ask(handle.socketPath, '/'), { ok: true, value: 'probe' });
  });

  it('cannot fill /dev: it is read-only but for a /dev/shm bounded like /tmp, and devices still work', async () => {
    const { handle } = await fx.start('node', {
      codeDir: fx.code({ 'probe.js': PROBE_APP }),
      entrypoint: 'probe.js:handler',
      memoryMiB: 128,
    });
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/dev/filler&bytes=1048576'), {
      ok: false,
      error: 'EROFS',
    });
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/dev/null&bytes=10'), { ok: true, value: 'written' });
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/dev/shm/segment&bytes=10'), {
      ok: true,
      value: 'written',
    });
    const mounts = (await ask(handle.socketPath, '/read?path=/proc/self/mounts'))
      .value!.split('\n')
      .map((l) => l.split(' '));
    assert.match(mounts.find((m) => m[1] === '/dev')![3], /^ro,/);
    assert.match(mounts.find((m) => m[1] === '/dev/shm')![3], /size=131072k/);
  });

  it('cannot make the OOM killer spare it and pick the node instead (oom_score_adj below 0)', async () => {
    const { handle } = await probe();
    await handle.ready;
    // Whatever the node's own score, a program starts as the first choice of a host-wide OOM kill.
    assert.deepEqual(await ask(handle.socketPath, '/read?path=/proc/self/oom_score_adj'), {
      ok: true,
      value: `${PROGRAM_OOM_SCORE_ADJ}\n`,
    });
    for (const value of ['-1000', '-1']) {
      const r = await ask(handle.socketPath, `/write?path=/proc/self/oom_score_adj&data=${value}`);
      assert.equal(r.ok, false, value);
    }
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/proc/self/oom_score_adj&data=1000'), {
      ok: true,
      value: 'written',
    });
  });

  it('sees its own hostname through the read-only /proc/sys', async () => {
    const { handle } = await probe();
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, '/read?path=/proc/sys/kernel/hostname'), {
      ok: true,
      value: 'aleph\n',
    });
  });

  it('every other global /proc knob is read-only and host-state files read empty', async () => {
    const { handle } = await probe();
    await handle.ready;
    const mounts = (await ask(handle.socketPath, '/read?path=/proc/self/mounts')).value!;
    for (const p of PROC_READONLY) {
      if (!existsSync(p)) continue;
      const line = mounts
        .split('\n')
        .reverse()
        .find((l) => l.split(' ')[1] === p);
      assert.ok(line, `${p} is not a mount point inside:\n${mounts}`);
      assert.match(line.split(' ')[3], /^ro,/, `${p}: ${line}`);
    }
    for (const p of PROC_MASKED) {
      if (!existsSync(p)) continue;
      const r = await ask(handle.socketPath, `/read?path=${encodeURIComponent(p)}`);
      if (r.ok) assert.equal(r.value, '', p);
      else assert.equal(r.error, 'EISDIR', p); // a masked directory: an empty read-only tmpfs
    }
    assert.deepEqual(
      await ask(handle.socketPath, '/write?path=/proc/acpi/x'),
      existsSync('/proc/acpi') ? { ok: false, error: 'EROFS' } : { ok: false, error: 'ENOENT' },
    );
  });
});

/** A program that tries to make the node's own connections land on a host socket of its choosing. */
const SOCKET_SWAPPER = String.raw`
const fs = require('node:fs');
exports.handler = (req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname === '/swap') {
    const target = u.searchParams.get('to');
    const tried = [];
    // Wherever the sandbox might expose the socket the node connects to, replace it with a symlink to the target.
    for (const p of ['/run/aleph/http.sock', '/run/aleph/../http.sock', '/tmp/http.sock']) {
      try { fs.rmSync(p, { force: true }); fs.symlinkSync(target, p); tried.push(p + ' replaced'); } catch (e) { tried.push(p + ' ' + e.code); }
    }
    return res.end(JSON.stringify(tried));
  }
  res.end('program');
};
`;

describe("sandbox privileges: the node's connection to the program", () => {
  const fx = new SandboxFixture();
  let host: net.Server;
  const hostHits: string[] = [];
  after(async () => {
    host?.close();
    await fx.dispose();
  });

  it("cannot be redirected to a host unix socket by replacing the program's socket with a symlink", async () => {
    // A host service on a unix socket, as Docker's or a database's would be: the node must never talk to it for a program.
    const hostSock = join(fx.mkdir('host-service'), 'service.sock');
    host = net.createServer((c) => {
      hostHits.push('connection');
      c.on('error', () => {});
      c.end('HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nHOST SECRET');
    });
    await new Promise<void>((r) => host.listen(hostSock, r));
    const { handle } = await fx.start('node', {
      codeDir: fx.code({ 'app.js': SOCKET_SWAPPER }),
      entrypoint: 'app.js:handler',
    });
    await handle.ready;
    const swap = await get(handle.socketPath, `/swap?to=${encodeURIComponent(hostSock)}`);
    assert.equal(swap.status, 200);
    for (let i = 0; i < 5; i++) assert.deepEqual(await get(handle.socketPath, '/'), { status: 200, body: 'program' });
    assert.deepEqual(hostHits, []);
  });
});

describe("sandbox privileges: the node's open files", () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());

  it('a file the node process inherited open (no close-on-exec) does not reach the program', async () => {
    const secret = join(fx.mkdir('inherited'), 'node-secret.db');
    writeFileSync(secret, 'NODE DATABASE');
    const here = dirname(fileURLToPath(import.meta.url));
    // A compute node started by a parent that left fd 7 open on a private file, as a service manager or shell may.
    const script = `
      import { runInSandbox } from ${JSON.stringify(join(here, 'runInSandbox.ts'))};
      import { cachedRuntime } from ${JSON.stringify(join(here, '..', 'runtime', 'runtimeCache.ts'))};
      const r = await runInSandbox({ runtimeRoot: await cachedRuntime('shell'), argv: ['/bin/sh', '-c', 'ls /proc/self/fd; cat /proc/self/fd/7 <&7 || echo no-fd-7'] });
      process.stdout.write(JSON.stringify(r));`;
    const fd = openSync(secret, 'r');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit', 'ignore', 'ignore', 'ignore', 'ignore', fd],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0);
    const r = JSON.parse(out) as { stdout: string; stderr: string };
    assert.doesNotMatch(r.stdout, /NODE DATABASE/);
    assert.match(r.stdout, /no-fd-7/);
    assert.deepEqual(
      r.stdout
        .split('\n')
        .filter((l) => /^\d+$/.test(l))
        .map(Number)
        .filter((n) => n > 2 && n !== 3),
      [],
      r.stdout,
    );
  });
});
