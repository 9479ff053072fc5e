import { refsAtFiles, saveProgramRefs } from '../apply/programRefs.js';
import type { Db } from '../store/queries.js';
import type { ProgramRefsTable } from '../store/tables.js';
import { listEditions, type EditionRecord } from './editionRecords.js';
import { programContentOf } from './resolvedEdition.js';

/** The file an edition resolved a reference to: what its checksum hashed. */
function fileIn(e: EditionRecord): (kind: ProgramRefsTable['kind'], mount: string) => string | undefined {
  return (kind, mount) => {
    if (kind === 'code') return e.resolved.code.file_hash;
    if (kind === 'runtime') return e.resolved.runtime.file_hash;
    return e.resolved.volumes.find((v) => v.mount === mount)?.file_hash;
  };
}

/**
 * After edition `aborted`'s rollout is aborted (DESIGN §9), `previous` is the edition in force again: the program's
 * version, edition number and references move back to it, so the program view says `previous`, the compute node
 * serves it, and the next upgrade is judged against it (owner, policy, interface, constructor). `aborted` stays in
 * the history and its number is never handed out again (see nextEditionNumber). Runs inside the writer's ordered
 * transaction, from the signed abort, so every node moves back at the same point.
 *
 * @example
 * await restorePreviousEdition(ctx, program.id, 2, 1); // programs.edition 2 → 1
 */
export async function restorePreviousEdition(
  scope: { db: Db; height: number },
  programId: string,
  aborted: number,
  previous: number,
  abortedEditions: ReadonlySet<number>,
): Promise<boolean> {
  const { db } = scope;
  const program = await db.selectFrom('programs').selectAll().where('id', '=', programId).executeTakeFirst();
  if (program?.edition !== aborted) return false;
  const editions = await listEditions(db, programId);
  const prev = editions.find((e) => e.edition === previous);
  // A program deployed before edition records existed (store migration 0002) may have none for `previous`: the
  // serving side still steps back (compute restores it from the rollout), but governance has nothing to return to.
  if (!prev) return false;
  // The PROGRAM message in force at `previous`: its own, or for an amend the latest replacement before it that served.
  const byProgram = editions
    .filter((e) => e.edition <= previous && e.causeKind !== 'amend' && !abortedEditions.has(e.edition))
    .at(-1);
  if (!byProgram) return false;
  const msg = await db
    .selectFrom('messages')
    .select(['content', 'type'])
    .where('item_hash', '=', byProgram.messageHash)
    .executeTakeFirst();
  if (msg?.type !== 'PROGRAM' || !msg.content) return false;
  const content = programContentOf(msg.content);
  await db
    .updateTable('programs')
    .set({ current_hash: byProgram.messageHash, edition: previous, updated_height: scope.height })
    .where('id', '=', programId)
    .execute();
  await saveProgramRefs(db, programId, await refsAtFiles(db, programId, content, fileIn(prev)));
  return true;
}
