import { existsSync, statSync } from 'node:fs';

/**
 * bwrap args that make the sandbox's /proc safe for a program whose uid maps to the node's own.
 *
 * bwrap assumes an unprivileged caller: it leaves /proc/sys writable because an ordinary user cannot write
 * sysctls anyway. Had the sandbox uid mapped to host uid 0 (as before programs got their own uids), procfs checks
 * sysctl writes against the *global* uid, not capabilities: the program could set kernel.core_pattern to a pipe
 * and have the kernel run its binary as root on the host. So, as runc does for containers, the kernel's global
 * knobs are bound read-only and the files that leak host state (kernel memory, keys, timers) are masked.
 */

/** Read-only, as runc's default `readonlyPaths`. */
export const PROC_READONLY = ['/proc/sys', '/proc/sysrq-trigger', '/proc/fs', '/proc/irq', '/proc/bus'];

/** Hidden (empty), as runc's default `maskedPaths`, plus the key lists (they show the keys of host uid 0). */
export const PROC_MASKED = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/key-users',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
];

/**
 * Args to place right after `--proc /proc`. Paths the host kernel does not have are skipped (bwrap cannot create
 * mount points inside procfs); the sandbox runs on the same kernel, so the host's /proc tells what it will see.
 */
export function procfsMaskArgs(hostProc = '/proc'): string[] {
  const host = (p: string) => hostProc + p.slice('/proc'.length);
  const args: string[] = [];
  // The source is the host's procfs: same kernel, and a sysctl answers for the namespaces of whoever reads it.
  for (const p of PROC_READONLY) if (existsSync(host(p))) args.push('--ro-bind', host(p), p);
  for (const p of PROC_MASKED) {
    if (!existsSync(host(p))) continue;
    if (statSync(host(p)).isDirectory()) args.push('--perms', '0555', '--tmpfs', p, '--remount-ro', p);
    // A device bind (not --ro-bind, which adds nodev and makes reads fail with EACCES): reads are empty, as in runc.
    else args.push('--dev-bind', '/dev/null', p);
  }
  return args;
}
