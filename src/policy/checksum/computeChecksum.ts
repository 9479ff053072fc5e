import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { policyError } from '../errors.js';
import type { ResolvedEdition } from '../types.js';
import { canonicalJson } from './canonicalJson.js';

/**
 * Names the checksum document's shape; bumped only if the document changes, so old checksums stay
 * verifiable by version.
 *
 * @example
 * canonicalEditionDocument(resolved).includes(`"format":"${CHECKSUM_FORMAT}"`); // true
 */
export const CHECKSUM_FORMAT = 'aleph-ts/edition/1';

function bad(message: string): never {
  throw policyError('POLICY_INPUT_INVALID', `resolved edition: ${message}`);
}
const str = (v: unknown, what: string): string =>
  typeof v === 'string' && v !== '' ? v : bad(`${what} must be a non-empty string`);
const obj = (v: unknown, what: string): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : bad(`${what} must be an object`);

function volume(v: ResolvedEdition['volumes'][number], i: number): Record<string, unknown> {
  const what = `volumes[${i}]`;
  const mount = str(v.mount, `${what}.mount`);
  if (v.ephemeral === true)
    return { kind: 'ephemeral', mount, size_mib: v.size_mib ?? bad(`${what}.size_mib is required`) };
  if (v.file_hash !== undefined) return { kind: 'immutable', mount, file_hash: str(v.file_hash, `${what}.file_hash`) };
  return {
    kind: 'persistent',
    mount,
    name: str(v.name, `${what}.name`),
    size_mib: v.size_mib ?? bad(`${what}.size_mib is required`),
    persistence: v.persistence,
  };
}

/**
 * The exact document the checksum hashes, as canonical JSON (keys sorted, no whitespace):
 *
 * - `format`: {@link CHECKSUM_FORMAT}
 * - `code`: `{encoding, entrypoint, file_hash}` — the resolved code STORE file hash, not the ref
 * - `runtime`: `{file_hash}` — the resolved runtime file hash
 * - `volumes`: in declared order (mount order can matter), each one of
 *   `{kind:"immutable", mount, file_hash}`, `{kind:"ephemeral", mount, size_mib}`,
 *   `{kind:"persistent", mount, name, size_mib, persistence?}`
 * - `environment`, `resources`: as given (any JSON)
 * - `variables`: the map, or null; `{}` counts as null since both mean "no variables"
 * - `on`: `{persistent}` only — persist/unpersist is an upgrade event (DESIGN §3), `on.http` is not
 *
 * Deliberately left out: refs and `use_latest` (the resolved hashes already say what runs), the
 * owner, the manifest, message times and metadata.
 *
 * @example
 * canonicalEditionDocument(resolved).startsWith('{"code":'); // true
 */
export function canonicalEditionDocument(resolved: ResolvedEdition): string {
  const r = obj(resolved, 'edition');
  const code = obj(r.code, 'code');
  const runtime = obj(r.runtime, 'runtime');
  const on = obj(r.on, 'on');
  if (!Array.isArray(r.volumes)) bad('volumes must be a list');
  if (typeof on.persistent !== 'boolean') bad('on.persistent must be a boolean');
  const variables = r.variables === null || r.variables === undefined ? null : obj(r.variables, 'variables');
  return canonicalJson({
    format: CHECKSUM_FORMAT,
    code: {
      file_hash: str(code.file_hash, 'code.file_hash'),
      encoding: str(code.encoding, 'code.encoding'),
      entrypoint: str(code.entrypoint, 'code.entrypoint'),
    },
    runtime: { file_hash: str(runtime.file_hash, 'runtime.file_hash') },
    volumes: resolved.volumes.map(volume),
    environment: obj(r.environment ?? {}, 'environment'),
    resources: obj(r.resources ?? {}, 'resources'),
    variables: variables && Object.keys(variables).length > 0 ? variables : null,
    on: { persistent: on.persistent },
  });
}

/**
 * The edition checksum: lowercase sha256 hex of the UTF-8 bytes of
 * {@link canonicalEditionDocument}. The CLI computes it before signing so a DAO can approve it.
 *
 * @example
 * computeChecksum({
 *   code: { file_hash: 'c0de…', encoding: 'zip', entrypoint: 'main:app' },
 *   runtime: { file_hash: 'f00d…' }, volumes: [], environment: {}, resources: { vcpus: 1 },
 *   variables: null, on: { http: true, persistent: false },
 * }); // '3f…' (64 hex characters)
 */
export function computeChecksum(resolved: ResolvedEdition): string {
  return bytesToHex(sha256(new TextEncoder().encode(canonicalEditionDocument(resolved))));
}
