import { readFileSync, readdirSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/**
 * Fds of this process above stderr that a child would inherit (no O_CLOEXEC).
 *
 * Node opens everything close-on-exec, but the node process itself may have been started with open fds (a service
 * manager's sockets, a parent's pipes, a test runner's). libuv does not close them when spawning, and bwrap passes
 * every fd it gets to the program, so each would reach the sandbox: a host file, pipe or socket the program could
 * read or write.
 */
export function inheritableFds(): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return out;
  }
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    try {
      const flags = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^flags:\s+([0-7]+)$/m);
      if (flags && (parseInt(flags[1], 8) & O_CLOEXEC) === 0) out.push(fd);
    } catch {
      /* the fd of the directory listing itself, or closed meanwhile */
    }
  }
  return out.sort((a, b) => a - b);
}

/** argv placed first: closes `fds`, then execs the rest. bash, because dash only redirects fds 0-9. */
export function closeFdsPrefix(fds: number[]): string[] {
  if (fds.length === 0) return [];
  const closes = fds.map((fd) => `${Math.trunc(fd)}>&-`).join(' ');
  return ['/bin/bash', '-c', `exec "$@" ${closes}`, 'aleph-close-fds'];
}
