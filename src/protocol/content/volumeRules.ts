import { z } from 'zod';

/**
 * The rules a PROGRAM's volumes must follow, checked at the message boundary. A persistent volume's name becomes
 * a host path on every compute node and its mount a path in the sandbox, so both are held to a closed grammar:
 * no `.`/`..`, no separators, nothing the sandbox mounts itself.
 */
export const VOLUME_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Paths the compute node's sandbox mounts itself; no volume may sit on, under or above them. */
export const RESERVED_MOUNTS = ['/proc', '/dev', '/tmp', '/opt/code', '/opt/aleph', '/run/aleph'] as const;

const MAX_MOUNT_CHARS = 256;
const MOUNT_SEGMENT = /^[A-Za-z0-9_.@+-]{1,64}$/;

/** Why `putativeMount` is not a usable mount path, or null when it is. */
export function mountProblem(putativeMount: string): string | null {
  const m = putativeMount;
  if (!m.startsWith('/')) return 'is not an absolute path';
  if (m.length > MAX_MOUNT_CHARS) return `is longer than ${MAX_MOUNT_CHARS} characters`;
  if (m === '/') return 'would hide the runtime';
  const segments = m.slice(1).split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') return 'is not normalised (empty, . or .. segment)';
    if (!MOUNT_SEGMENT.test(s)) return `has a segment '${s.slice(0, 64)}' outside [A-Za-z0-9_.@+-]`;
  }
  for (const r of RESERVED_MOUNTS)
    if (m === r || m.startsWith(r + '/') || r.startsWith(m + '/'))
      return `overlaps ${r}, which the sandbox mounts itself`;
  return null;
}

/** A mount path field: refused with PROGRAM_VOLUME_MOUNT_INVALID (see schemaError) when {@link mountProblem} objects. */
export const mountPath = z.string().superRefine((m, ctx) => {
  const why = mountProblem(m);
  if (why)
    ctx.addIssue({
      code: 'custom',
      message: `mount '${m.slice(0, 80)}' ${why}`,
      params: {
        code: 'PROGRAM_VOLUME_MOUNT_INVALID',
        hint: 'mount at an absolute, normalised path of your own such as /data or /opt/packages',
      },
    });
});

/** A persistent volume's name: refused with PROGRAM_VOLUME_NAME_INVALID unless it matches {@link VOLUME_NAME}. */
export const volumeName = z.string().superRefine((n, ctx) => {
  if (!VOLUME_NAME.test(n)) {
    ctx.addIssue({
      code: 'custom',
      message: `volume name '${n.slice(0, 80)}' must match [A-Za-z0-9_-]{1,64} (never . or ..)`,
      params: {
        code: 'PROGRAM_VOLUME_NAME_INVALID',
        hint: 'name a persistent volume with letters, digits, _ and - (at most 64), e.g. data',
      },
    });
  }
});

/** Two volumes on one mount, or two persistent volumes with one name (they would share one host directory). */
export function duplicateVolumes(
  volumes: ReadonlyArray<{ mount: string; name?: string | undefined }>,
  ctx: z.RefinementCtx,
): void {
  const mounts = new Set<string>();
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    if (mounts.has(v.mount))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'mount'],
        message: `two volumes are mounted at ${v.mount.slice(0, 80)}`,
        params: {
          code: 'PROGRAM_VOLUME_DUPLICATE',
          hint: 'give each volume its own mount and each persistent volume its own name',
        },
      });
    mounts.add(v.mount);
    if (v.name === undefined) return;
    if (names.has(v.name))
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `two persistent volumes are named ${v.name.slice(0, 80)}`,
        params: {
          code: 'PROGRAM_VOLUME_DUPLICATE',
          hint: 'give each volume its own mount and each persistent volume its own name',
        },
      });
    names.add(v.name);
  });
}
