import { spawn } from 'node:child_process';
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { closeFdsPrefix, inheritableFds } from './inheritedFds.js';

/** slirp4netns's gateway: with --disable-host-loopback it refuses it itself; refused here too, in case. */
const SLIRP_HOST_ALIAS = '10.0.2.2';
const MAX_STDERR = 4096;

/**
 * Every address of this host (all interfaces, loopback aside: inside the sandbox 127.0.0.0/8 is its own lo) and
 * slirp's host alias. slirp4netns connects from the host's namespace, so a program reaching any of them would reach
 * a host listener bound to 0.0.0.0 or to that address. Read at each start, so an address the host gained is covered
 * from the next start on.
 */
export function hostAddresses(): { v4: string[]; v6: string[] } {
  const v4 = new Set<string>([SLIRP_HOST_ALIAS]);
  const v6 = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      const address = a.address.split('%')[0];
      if (isIPv4(address)) v4.add(address);
      else if (isIPv6(address)) v6.add(address);
    }
  }
  return { v4: [...v4].sort(), v6: [...v6].sort() };
}

/**
 * The nftables ruleset loaded into a sandbox's network namespace: whatever leaves through any interface but lo
 * towards an address of the host is refused (TCP with a reset, so the program sees ECONNREFUSED at once; anything
 * else dropped, EPERM). Outbound to every other host is untouched.
 */
export function firewallRules(addresses: { v4: string[]; v6: string[] }): string {
  const set = (xs: string[]) => `{ ${xs.join(', ')} }`;
  const lines = [
    'table inet aleph_sandbox {',
    '  chain out {',
    '    type filter hook output priority filter; policy accept;',
    '    oifname "lo" accept',
  ];
  for (const [family, xs] of [
    ['ip', addresses.v4],
    ['ip6', addresses.v6],
  ] as const) {
    if (xs.length === 0) continue;
    lines.push(
      `    ${family} daddr ${set(xs)} meta l4proto tcp reject with tcp reset`,
      `    ${family} daddr ${set(xs)} drop`,
    );
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}

/**
 * Loads `rules` into the network namespace held open by `nsFd`, from outside: nsenter enters that namespace only
 * (not its user namespace), so nft runs with this node's root capabilities, which the program inside never has:
 * it cannot list, change or flush the rules. Resolves once nft has exited 0.
 */
export function installFirewall(nsFd: number, rules: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const leaked = inheritableFds().filter((fd) => fd > 3);
    const [cmd, ...args] = [...closeFdsPrefix(leaked), 'nsenter', '--net=/proc/self/fd/3', '--', 'nft', '-f', '-'];
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'ignore', 'pipe', nsFd],
      env: { PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` },
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += b.toString('utf8');
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(rules);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('nft did not load the host firewall in time'));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run nft: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `nft could not load the host firewall (${code ?? signal}): ${stderr.trim().split('\n').slice(-2).join(' / ')}`,
          ),
        );
    });
  });
}
