import type { RuntimeAbout } from '../../protocol/api/computeSchemas.js';
import { AlephError } from '../../errors.js';
import type { NodeApi } from '../api/nodeApi.js';
import { checkRuntime } from '../runtime/checkRuntime.js';
import type { Artifacts } from '../supervisor/artifacts.js';

const HEX64 = /^[0-9a-f]{64}$/;

function notFound(ref: string, cause?: unknown): AlephError {
  return new AlephError('COMPUTE_RUNTIME_NOT_FOUND', `no runtime in use with ref ${ref}`, {
    hint: "pass the item hash of a runtime STORE that a live program uses (or the operator's default runtime)",
    details: { ref },
    cause,
  });
}

/**
 * The file of a runtime this compute node may be asked about: one the operator configured (an alias's target), or
 * the runtime a live program resolves to, as the core node says. Never an arbitrary file hash: unpacking and
 * probing is work, and an anonymous caller must not be able to make the node do it for any upload.
 */
async function runtimeInUse(api: NodeApi, aliases: Record<string, string>, storeHash: string): Promise<string | null> {
  if (Object.values(aliases).includes(storeHash)) return api.storeFileHash(storeHash);
  const programs = await api.programs();
  const used = programs
    .filter((p) => p.status === 'live')
    .flatMap((p) => p.resolved)
    .find((r) => r.kind === 'runtime' && (r.ref === storeHash || r.version === storeHash));
  return used?.fileHash || null;
}

/**
 * `GET /about/runtime/{ref}` (what `aleph program runtime-checker` calls): `ref` is a runtime STORE hash that a
 * live program uses, or an alias the operator configured (the devnet maps the seed's default ref). The runtime is
 * unpacked and its interpreters asked, inside a sandbox, for their versions.
 */
export async function aboutRuntime(
  api: NodeApi,
  artifacts: Artifacts,
  aliases: Record<string, string>,
  ref: string,
): Promise<RuntimeAbout> {
  const storeHash = (aliases[ref] ?? ref).toLowerCase();
  if (!HEX64.test(storeHash)) throw notFound(ref);
  const fileHash = await runtimeInUse(api, aliases, storeHash);
  if (!fileHash) throw notFound(ref);
  let root: string;
  try {
    root = await artifacts.runtime(fileHash);
  } catch (e) {
    if (e instanceof AlephError && e.code.startsWith('ARCHIVE_')) throw e;
    throw notFound(ref, e);
  }
  const info = await checkRuntime(root);
  const versions: Record<string, string> = { ...info.packages };
  if (info.python) versions.python = info.python;
  if (info.node) versions.node = info.node;
  if (info.shell) versions.sh = 'present';
  return { ref, store: storeHash, file_hash: fileHash, ...info, versions };
}
