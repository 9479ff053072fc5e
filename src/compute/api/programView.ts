import { AlephError } from '../../errors.js';
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
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);

function invalid(why: string, details: Record<string, unknown>): AlephError {
  return new AlephError('COMPUTE_PROGRAM_INVALID', `the node's view of the program is unusable: ${why}`, { details, status: 502 });
}

const HEX64 = /^[0-9a-f]{64}$/;

// The node already refuses these at the message boundary; a compute node re-checks because each one becomes a host
// path or a mount, and refuses the program rather than guess (a bad name once fell back to a shared default).
function parseVolume(v: unknown, i: number): VolumeContent {
  const o = obj(v);
  const mount = typeof o.mount === 'string' ? o.mount : '';
  const why = mountProblem(mount);
  if (why) throw invalid(`volume ${i}: mount ${why}`, { volume: i, mount: mount.slice(0, 80) });
  if (typeof o.ref === 'string') return { kind: 'immutable', mount };
  if (o.ephemeral === true) return { kind: 'ephemeral', mount, sizeMiB: num(o.size_mib, 64) };
  if (typeof o.name !== 'string' || !VOLUME_NAME.test(o.name)) throw invalid(`volume ${i}: name is not [A-Za-z0-9_-]{1,64}`, { volume: i, name: String(o.name).slice(0, 80) });
  if (!Number.isInteger(o.size_mib) || (o.size_mib as number) <= 0) throw invalid(`volume ${i}: size_mib is not a positive integer`, { volume: i });
  return { kind: 'persistent', mount, name: o.name, sizeMiB: o.size_mib as number };
}

/** Parses the node's untrusted JSON (a program view) into a {@link ProgramView}. */
export function parseProgramView(putative: unknown): ProgramView {
  const o = obj(putative);
  const c = obj(o.content);
  const code = obj(c.code);
  const res = obj(c.resources);
  // The id names host directories (persistent volumes): a 64-hex item hash and nothing else.
  if (typeof o.id !== 'string' || !HEX64.test(o.id) || typeof o.current_hash !== 'string') throw invalid('missing id or current_hash', { id: String(o.id).slice(0, 80) });
  const encoding = code.encoding === 'squashfs' || code.encoding === 'plain' ? code.encoding : 'zip';
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(c.variables))) variables[k] = String(v);
  const resolved = (Array.isArray(o.resolved) ? o.resolved : []).map((r): ResolvedRef => {
    const x = obj(r);
    // A file hash names a host path (code/<hash>): anything but 64 hex would let the node point outside.
    if (x.file_hash != null && x.file_hash !== '' && !(typeof x.file_hash === 'string' && HEX64.test(x.file_hash))) throw invalid('a resolved file hash is not 64 hex', { file_hash: String(x.file_hash).slice(0, 80) });
    return {
      kind: x.kind as ResolvedRef['kind'], mount: typeof x.mount === 'string' ? x.mount : null, ref: String(x.ref ?? ''),
      version: typeof x.version === 'string' ? x.version : null, fileHash: String(x.file_hash ?? ''), useLatest: x.use_latest === true,
    };
  });
  return {
    id: o.id,
    owner: typeof o.owner === 'string' ? o.owner : '',
    status: o.status === 'forgotten' ? 'forgotten' : 'live',
    edition: typeof o.edition === 'number' ? o.edition : 0,
    currentHash: o.current_hash,
    encoding,
    entrypoint: String(code.entrypoint ?? ''),
    memoryMiB: num(res.memory, 128),
    vcpus: num(res.vcpus, 1),
    seconds: num(res.seconds, 30),
    internet: obj(c.environment).internet === true,
    persistent: obj(c.on).persistent === true,
    variables,
    volumes: (Array.isArray(c.volumes) ? c.volumes : []).map(parseVolume),
    resolved,
  };
}

/** Changes whenever anything that the running sandbox depends on changes: the version or any resolved file. */
export function versionKey(v: ProgramView): string {
  return [v.currentHash, ...v.resolved.map((r) => `${r.kind}:${r.mount ?? ''}:${r.fileHash}`)].join('|');
}

/** The resolved file hash of the code, the runtime or the immutable volume at `mount`. */
export function resolvedFile(v: ProgramView, kind: ResolvedRef['kind'], mount?: string): string {
  const r = v.resolved.find((x) => x.kind === kind && (mount === undefined || x.mount === mount));
  if (!r || !r.fileHash) {
    throw new AlephError('COMPUTE_REF_UNRESOLVED', `program ${v.id}: the node has no file for its ${kind}${mount ? ` at ${mount}` : ''}`, {
      hint: 'the referenced STORE may be missing or forgotten', details: { program: v.id, kind, mount: mount ?? null }, status: 502,
    });
  }
  return r.fileHash;
}
