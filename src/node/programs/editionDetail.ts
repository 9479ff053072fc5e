import { AlephError } from '../../errors.js';
import { MAX_JSON_DEPTH_CEILING, parseJsonWithin, type EditionDetail } from '../../protocol/index.js';
import { listEditions, type EditionRecord } from '../governance/editionRecords.js';
import type { Db } from '../store/queries.js';
import { editionEntry } from './historyView.js';
import { abortedEditions } from './rolloutView.js';

/** The edition's references with the file each resolved to (what the compute node runs an earlier edition from). */
function refsOf(e: EditionRecord): EditionDetail['resolved'] {
  const use = (target: 'code' | 'runtime' | 'volume', mount?: string) =>
    e.references.find((r) => r.target === target && (mount === undefined || r.mount === mount));
  const ref = (kind: 'code' | 'runtime', fileHash: string) => {
    const u = use(kind);
    return {
      kind,
      mount: null,
      ref: u?.ref ?? '',
      version: null,
      file_hash: fileHash,
      use_latest: u?.use_latest ?? false,
    };
  };
  return [
    ref('code', e.resolved.code.file_hash),
    ref('runtime', e.resolved.runtime.file_hash),
    ...e.resolved.volumes.flatMap((v) => {
      if (v.file_hash === undefined) return [];
      const u = use('volume', v.mount);
      return [
        {
          kind: 'volume' as const,
          mount: v.mount,
          ref: u?.ref ?? '',
          version: null,
          file_hash: v.file_hash,
          use_latest: u?.use_latest ?? false,
        },
      ];
    }),
  ];
}

/**
 * `GET /api/v0/programs/{id}/editions/{n}`: what `aleph program rollback --to n` reproduces: the edition's resolved
 * document (its checksum's input) and the PROGRAM content in force then (an amend's edition keeps the content of
 * the PROGRAM edition before it).
 *
 * @example
 * const e = await editionDetail(db, id, 1); // e.resolved_edition.code.file_hash
 */
export async function editionDetail(db: Db, programId: string, edition: number): Promise<EditionDetail> {
  const editions = await listEditions(db, programId);
  const e = editions.find((x) => x.edition === edition);
  if (!e)
    throw new AlephError('EDITION_NOT_FOUND', `program ${programId} has no edition ${edition}`, {
      hint: 'see `aleph program history ID` for its editions',
      details: { program_id: programId, edition },
    });
  const aborted = await abortedEditions(db, programId);
  // An aborted edition never stayed in force: an amend after it kept the content of the one that served.
  const byProgram = editions
    .filter(
      (x) => x.edition <= edition && x.causeKind !== 'amend' && (x.edition === edition || !aborted.has(x.edition)),
    )
    .at(-1);
  const msg = byProgram
    ? await db
        .selectFrom('messages')
        .select('content')
        .where('item_hash', '=', byProgram.messageHash)
        .executeTakeFirst()
    : undefined;
  const content = parseJsonWithin(msg?.content, MAX_JSON_DEPTH_CEILING);
  return {
    program_id: programId,
    ...editionEntry(e),
    resolved_edition: e.resolved as unknown as EditionDetail['resolved_edition'],
    resolved: refsOf(e),
    content: content && typeof content === 'object' ? (content as Record<string, unknown>) : {},
    aborted: aborted.has(edition),
  };
}
