import type { ReferenceUse, ResolvedEdition } from '../../policy/index.js';
import { contentSchemas, type ProgramContent } from '../../protocol/index.js';
import type { ProgramRefsTable } from '../store/tables.js';

/** A candidate edition as the node sees it: content in force plus the exact STORE versions it uses. */
export interface EditionRefs {
  resolved: ResolvedEdition;
  references: ReferenceUse[];
}

function fileOf(refs: ProgramRefsTable[], kind: ProgramRefsTable['kind'], mount = ''): string {
  const row = refs.find((r) => r.kind === kind && r.mount === mount);
  // resolveProgramRefs produced one row per reference of this very content; a gap is a node bug.
  if (!row) throw new Error(`no resolved ${kind} reference${mount ? ` for ${mount}` : ''}`);
  return row.file_hash;
}

/**
 * Re-parses stored PROGRAM content so schema defaults apply exactly as when it was accepted.
 *
 * @example
 * const content = programContentOf(row.content);
 */
export function programContentOf(json: string): ProgramContent {
  return contentSchemas.PROGRAM.parse(JSON.parse(json));
}

/**
 * Builds the checksum input (DESIGN §3) and the reference list the dependency rule reads. Volumes
 * keep their declared order; the legacy `data` section counts as an immutable volume at its mount,
 * since it changes what the program sees. References name the original STORE of their chain, which
 * is what a STORE amend names too.
 *
 * @example
 * const { resolved, references } = editionRefs(content, await resolveProgramRefs(db, id, content));
 */
export function editionRefs(content: ProgramContent, refs: ProgramRefsTable[]): EditionRefs {
  const volumes: ResolvedEdition['volumes'] = content.volumes.map((v) => {
    if ('ephemeral' in v) return { mount: v.mount, ephemeral: true, size_mib: v.size_mib };
    if ('name' in v) return { mount: v.mount, name: v.name, size_mib: v.size_mib, persistence: v.persistence };
    return { mount: v.mount, file_hash: fileOf(refs, 'volume', v.mount) };
  });
  if (content.data?.ref)
    volumes.push({ mount: content.data.mount, file_hash: fileOf(refs, 'data', content.data.mount) });
  // JSON round trip: schema defaults may leave `undefined` members, which have no canonical form.
  const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const resolved: ResolvedEdition = {
    code: { file_hash: fileOf(refs, 'code'), encoding: content.code.encoding, entrypoint: content.code.entrypoint },
    runtime: { file_hash: fileOf(refs, 'runtime') },
    volumes,
    environment: plain(content.environment),
    resources: plain(content.resources),
    variables: content.variables ?? null,
    on: { http: content.on.http, persistent: content.on.persistent },
  };
  const target = (kind: ProgramRefsTable['kind']): ReferenceUse['target'] =>
    kind === 'code' || kind === 'runtime' ? kind : 'volume';
  const references: ReferenceUse[] = refs.map((r) => ({
    target: target(r.kind),
    ref: r.original,
    use_latest: r.use_latest === 1,
    ...(r.mount ? { mount: r.mount } : {}),
  }));
  return { resolved, references };
}
