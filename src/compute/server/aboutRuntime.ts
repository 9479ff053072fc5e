import { AlephError } from '../../errors.js';
import type { NodeApi } from '../api/nodeApi.js';
import { checkRuntime } from '../runtime/checkRuntime.js';
import type { Artifacts } from '../supervisor/artifacts.js';

/**
 * `GET /about/runtime/{ref}` (what `aleph program runtime-checker` calls): `ref` is a runtime STORE hash, an alias
 * the operator configured (the devnet maps the seed's default ref), or a file hash. The runtime is unpacked and
 * its interpreters asked, inside a sandbox, for their versions.
 */
export async function aboutRuntime(api: NodeApi, artifacts: Artifacts, aliases: Record<string, string>, ref: string): Promise<Record<string, unknown>> {
  const storeHash = aliases[ref] ?? ref;
  const fileHash = (await api.storeFileHash(storeHash)) ?? storeHash;
  let root: string;
  try {
    root = await artifacts.runtime(fileHash);
  } catch (e) {
    throw new AlephError('COMPUTE_RUNTIME_NOT_FOUND', `no runtime with ref ${ref}`, { hint: 'pass the item hash of the runtime STORE', details: { ref }, status: 404, cause: e });
  }
  const info = await checkRuntime(root);
  const versions: Record<string, string> = { ...info.packages };
  if (info.python) versions.python = info.python;
  if (info.node) versions.node = info.node;
  if (info.shell) versions.sh = 'present';
  return { ref, store: storeHash, file_hash: fileHash, ...info, versions };
}
