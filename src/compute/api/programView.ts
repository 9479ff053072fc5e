import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { programViewSchema } from '../../protocol/api/programSchemas.js';
import type { RolloutView } from '../../protocol/api/rolloutSchemas.js';
import type { ProgramVolume } from '../../protocol/content/programContent.js';
import { mountProblem, VOLUME_NAME } from '../../protocol/content/volumeRules.js';

/** One resolved reference of a program version, as the core node resolved it (aliases, use_latest, pins). */
export interface ResolvedRef {
  kind: 'code' | 'runtime' | 'volume' | 'data';
  mount: string | null;
  ref: string;
  version: string | null;
  fileHash: string;
  useLatest: boolean;
}

export type VolumeContent =
  | { kind: 'immutable'; mount: string }
  | { kind: 'ephemeral'; mount: string; sizeMiB: number }
  | { kind: 'persistent'; mount: string; name: string; sizeMiB: number };

/** What the compute node needs of `GET /api/v0/programs/{id}`, parsed once at the boundary. */
export interface ProgramView {
  id: string;
  /** content.address of the program: who may read its logs (aleph-vm's `is_sender_authorized`). */
  owner: string;
  status: 'live' | 'forgotten';
  edition: number;
  currentHash: string;
  encoding: 'zip' | 'squashfs' | 'plain';
  entrypoint: string;
  memoryMiB: number;
  vcpus: number;
  seconds: number;
  internet: boolean;
  persistent: boolean;
  variables: Record<string, string>;
  volumes: VolumeContent[];
  resolved: ResolvedRef[];
  /** The program's latest rollout (DESIGN §9); null when none, or from a node that predates rollouts. */
  rollout?: RolloutView | null;
}

/** The fields of the contract's program view that the compute node uses; the others are not its business. */
const { id, owner, status, edition, current_hash, content, resolved, rollout } = programViewSchema.shape;
const computeViewSchema = z.object({
  id,
  owner,
  status,
  edition,
  current_hash,
  content,
  resolved,
  rollout: rollout.optional(),
});

function invalid(why: string, details: { field: string; readonly [more: string]: unknown }): AlephError {
  return new AlephError('COMPUTE_PROGRAM_INVALID', `the node's view of the program is unusable: ${why}`, { details });
}

const HEX64 = /^[0-9a-f]{64}$/;

// Each volume becomes a host path or a mount: the contract (programContent) already refuses bad names and mounts,
// and these re-checks stay so that a compute node following an older or hostile node refuses rather than guesses.
function volumeOf(v: ProgramVolume, i: number): VolumeContent {
  const why = mountProblem(v.mount);
  if (why)
    throw invalid(`volume ${i}: mount ${why}`, { field: `content.volumes.${i}.mount`, mount: v.mount.slice(0, 80) });
  if ('ref' in v) return { kind: 'immutable', mount: v.mount };
  if ('ephemeral' in v) return { kind: 'ephemeral', mount: v.mount, sizeMiB: v.size_mib };
  if (!VOLUME_NAME.test(v.name))
    throw invalid(`volume ${i}: name is not [A-Za-z0-9_-]{1,64}`, { field: `content.volumes.${i}.name` });
  return { kind: 'persistent', mount: v.mount, name: v.name, sizeMiB: v.size_mib };
}

/**
 * Parses the node's untrusted JSON (a program view) with the contract's schema into a {@link ProgramView}. No
 * default is guessed: an unknown encoding or reference kind, a missing field, is COMPUTE_PROGRAM_INVALID naming it.
 */
export function parseProgramView(putative: unknown): ProgramView {
  const r = computeViewSchema.safeParse(putative);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.map(String).join('.') || '(root)';
    throw invalid(`field "${field}": ${issue.message}`, { field });
  }
  const o = r.data;
  const c = o.content;
  if (!c) throw invalid('the program has no content', { field: 'content' });
  const resolved = o.resolved.map((x, i): ResolvedRef => {
    // A file hash names a host path (code/<hash>): anything but 64 hex (or none yet) would let the node point outside.
    if (x.file_hash !== '' && !HEX64.test(x.file_hash))
      throw invalid('a resolved file hash is not 64 hex', {
        field: `resolved.${i}.file_hash`,
        file_hash: x.file_hash.slice(0, 80),
      });
    return {
      kind: x.kind,
      mount: x.mount,
      ref: x.ref,
      version: x.version,
      fileHash: x.file_hash,
      useLatest: x.use_latest,
    };
  });
  return {
    id: o.id,
    owner: o.owner,
    status: o.status,
    edition: o.edition,
    currentHash: o.current_hash,
    encoding: c.code.encoding,
    entrypoint: c.code.entrypoint,
    memoryMiB: c.resources.memory,
    vcpus: c.resources.vcpus,
    seconds: c.resources.seconds,
    internet: c.environment.internet,
    persistent: c.on.persistent,
    variables: c.variables ?? {},
    volumes: c.volumes.map(volumeOf),
    resolved,
    rollout: o.rollout ?? null,
  };
}

/** Changes whenever anything that the running sandbox depends on changes: the version or any resolved file. */
export function versionKey(v: ProgramView): string {
  return [v.currentHash, ...v.resolved.map((r) => `${r.kind}:${r.mount ?? ''}:${r.fileHash}`)].join('|');
}

/** The resolved file hash of the code, the runtime or the immutable volume at `mount`. */
export function resolvedFile(v: ProgramView, kind: ResolvedRef['kind'], mount?: string): string {
  const r = v.resolved.find((x) => x.kind === kind && (mount === undefined || x.mount === mount));
  if (!r?.fileHash) {
    throw new AlephError(
      'COMPUTE_REF_UNRESOLVED',
      `program ${v.id}: the node has no file for its ${kind}${mount ? ` at ${mount}` : ''}`,
      {
        hint: 'the referenced STORE may be missing or forgotten',
        details: { program: v.id, kind, mount: mount ?? null },
      },
    );
  }
  return r.fileHash;
}
