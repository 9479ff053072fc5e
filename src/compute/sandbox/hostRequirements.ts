import { readFileSync } from 'node:fs';
import { AlephError } from '../../errors.js';

/** sysctls that switch unprivileged user namespaces off (upstream, and Debian's older kernel patch). */
const USERNS_KNOBS = {
  maxUserNamespaces: '/proc/sys/user/max_user_namespaces',
  unprivilegedClone: '/proc/sys/kernel/unprivileged_userns_clone',
} as const;

export type UsernsKnobs = { [K in keyof typeof USERNS_KNOBS]: string | null };

/** Why unprivileged user namespaces are unusable with these sysctl values (null when they are usable). Pure. */
export function usernsProblem(k: UsernsKnobs): string | null {
  if (k.maxUserNamespaces !== null && Number(k.maxUserNamespaces.trim()) === 0) return 'user.max_user_namespaces is 0';
  if (k.unprivilegedClone !== null && k.unprivilegedClone.trim() === '0')
    return 'kernel.unprivileged_userns_clone is 0';
  return null;
}

function readKnob(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Refuses to run a program on a host that cannot sandbox it as designed: the node must be root (to create
 * cgroups, mount the staged sources and drop to each program's uid) and unprivileged user namespaces must be on
 * (bwrap runs as that uid). Cheap: a few /proc reads, done at node start and before each sandbox.
 */
export function assertSandboxHost(): void {
  if (process.getuid?.() !== 0) {
    throw new AlephError('SANDBOX_NEEDS_ROOT', 'the compute node must run as root to sandbox programs', {
      hint: 'start the compute node as root: it drops each program to its own unprivileged uid',
    });
  }
  const knobs = Object.fromEntries(Object.entries(USERNS_KNOBS).map(([k, f]) => [k, readKnob(f)])) as UsernsKnobs;
  const problem = usernsProblem(knobs);
  if (problem !== null) {
    throw new AlephError('SANDBOX_USERNS_UNAVAILABLE', `unprivileged user namespaces are disabled: ${problem}`, {
      hint: 'enable them (sysctl -w user.max_user_namespaces=15000 kernel.unprivileged_userns_clone=1)',
      details: { problem },
    });
  }
}
