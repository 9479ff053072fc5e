import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { closeFdsPrefix, inheritableFds } from './inheritedFds.js';
import { firewallRules, hostAddresses, installFirewall } from './hostFirewall.js';

/** The fd on which bwrap reports its child's pid (`--info-fd`), and the one it waits on before the program runs. */
export const INFO_FD = 6;
export const BLOCK_FD = 7;

/** slirp4netns's built-in DNS forwarder; the program's /etc/resolv.conf names it. */
export const RESOLV_CONF = 'nameserver 10.0.2.3\n';

const MAX_INFO = 4096;
const InfoSchema = z
  .object({ 'child-pid': z.number().int().positive(), 'net-namespace': z.number().int().positive() })
  .passthrough();
type Info = z.infer<typeof InfoSchema>;

export interface UserNetwork {
  /** Resolves once tap0 is up and the program has been let go; rejects with SANDBOX_NETWORK_FAILED. */
  ready: Promise<void>;
  stop(): void;
}

function readInfo(info: Readable, timeoutMs: number): Promise<Info> {
  return new Promise((resolve, reject) => {
    let text = '';
    const fail = (why: string) => {
      cleanup();
      reject(new Error(why));
    };
    const onData = (b: Buffer) => {
      text += b.toString('utf8');
      if (text.length > MAX_INFO) return fail('bwrap info is too long');
      if (!text.includes('}')) return;
      try {
        const parsed = InfoSchema.parse(JSON.parse(text.slice(0, text.indexOf('}') + 1)));
        cleanup();
        resolve(parsed);
      } catch (e) {
        fail(`bad bwrap info: ${(e as Error).message}`);
      }
    };
    const onEnd = () => fail('bwrap exited before reporting its child');
    const timer = setTimeout(() => fail('bwrap did not report its child in time'), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      info.off('data', onData);
      info.off('end', onEnd);
      info.off('error', onEnd);
    };
    info.on('data', onData);
    info.once('end', onEnd);
    info.once('error', onEnd);
  });
}

/**
 * bwrap configures the namespace's lo over netlink right after it starts, and fails ("Failed RTM_NEWADDR") when
 * slirp4netns configures tap0 at the same moment; so slirp waits until lo is up. The namespace's /proc/<pid>/net
 * shows it: ::1 on lo appears once the link is up (with IPv6 off, 127.0.0.1 in the local table, a step earlier).
 */
async function loopbackUp(pid: number, deadline: number): Promise<void> {
  for (;;) {
    let up: boolean;
    try {
      up = /\blo$/m.test(readFileSync(`/proc/${pid}/net/if_inet6`, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error('the sandbox exited before its network was set up');
      try {
        up = readFileSync(`/proc/${pid}/net/fib_trie`, 'utf8').includes('127.0.0.1');
      } catch {
        throw new Error('the sandbox exited before its network was set up');
      }
    }
    if (up) return;
    if (Date.now() > deadline) throw new Error('the sandbox did not bring up its loopback in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Gives a sandbox with `internet: true` outbound access from its own network namespace: once bwrap reports the
 * sandbox's pid on INFO_FD, Debian's slirp4netns (a user-mode TCP/IP stack, run in the host's namespace) serves a
 * tap0 there, refusing the host's loopback (--disable-host-loopback also covers 10.0.2.2), in its own mount
 * namespace with no capabilities (--enable-sandbox) and its own syscall filter. slirp connects from the host's
 * namespace, so an address of the host itself (a 0.0.0.0 listener, the core node's API) would still be in reach:
 * an nftables ruleset in the sandbox's namespace refuses them first (hostFirewall.ts). Then a byte on BLOCK_FD lets
 * the program start, so it never runs without its network or its firewall. It exits with the sandbox (exit fd closed, or stop()).
 */
export function attachUserNetwork(bwrap: ChildProcess, onLog: (line: string) => void, timeoutMs = 10_000): UserNetwork {
  const stdio = bwrap.stdio as unknown as Array<Readable & Writable>;
  const info: Readable = stdio[INFO_FD];
  const block: Writable = stdio[BLOCK_FD];
  block.on('error', () => {});
  let slirp: ChildProcess | null = null;
  let stopped = false;

  const ready = (async () => {
    const { 'child-pid': pid, 'net-namespace': netns } = await readInfo(info, timeoutMs);
    await loopbackUp(pid, Date.now() + timeoutMs);
    if (stopped) throw new Error('stopped');
    // Held by fd and checked against bwrap's report: a recycled pid can never point slirp at another namespace.
    // By path, not pid: by pid slirp4netns also joins the sandbox's user namespace, which bwrap nests again for
    // --uid, and from there it may not enter the network namespace.
    const nsFd = openSync(`/proc/${pid}/ns/net`, 'r');
    let slirpChild: ChildProcess;
    try {
      if (fstatSync(nsFd).ino !== netns) throw new Error('the sandbox exited before its network was set up');
      // Before tap0 exists: the program never has a moment with a route to the host's own addresses.
      await installFirewall(nsFd, firewallRules(hostAddresses()), timeoutMs);
      if (stopped) throw new Error('stopped');
      // fd 3: ready (slirp writes "1"); fd 4: exit (slirp exits when we close it, or when the node dies); fd 5: the netns.
      const args = [
        '--configure',
        '--mtu=65520',
        '--disable-host-loopback',
        '--enable-sandbox',
        '--enable-seccomp',
        '--ready-fd=3',
        '--exit-fd=4',
        '--netns-type=path',
        '/proc/self/fd/5',
        'tap0',
      ];
      const leaked = inheritableFds().filter((fd) => fd > 5);
      const [cmd, ...rest] = [...closeFdsPrefix(leaked), 'slirp4netns', ...args];
      slirpChild = spawn(cmd, rest, {
        stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', nsFd],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
    } finally {
      closeSync(nsFd);
    }
    slirp = slirpChild;
    const child = slirp;
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => {
      if (stderr.length < MAX_INFO)
        stderr += b.toString('utf8').replace(/^WARNING: Support for seccomp is experimental\n/m, '');
    });
    (child.stdio[4] as Writable).on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('slirp4netns did not configure tap0 in time')), timeoutMs);
      (child.stdio[3] as Readable).once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`slirp4netns exited (${code}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    child.on('exit', (code, signal) => {
      if (!stopped) onLog(`slirp4netns exited (${code ?? signal}): the program has lost its internet access`);
    });
    block.end('1');
  })().catch((e: Error) => {
    throw new AlephError('SANDBOX_NETWORK_FAILED', `could not give the program its network: ${e.message}`, {
      hint: 'internet: true needs slirp4netns and nftables on the compute node (apt-get install slirp4netns nftables)',
    });
  });
  ready.catch(() => {});

  return {
    ready,
    stop: () => {
      stopped = true;
      if (slirp && slirp.exitCode === null) {
        (slirp.stdio[4] as Writable).end();
        slirp.kill('SIGTERM');
      }
    },
  };
}
