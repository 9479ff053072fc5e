import { computeChecksum, type Manifest, type ReferenceUse, type ResolvedEdition } from '../../policy/index.js';
import type { FileStore } from '../files/fileStore.js';
import type { Db } from '../store/queries.js';
import type { ProgramEditionsTable, ProgramsTable } from '../store/tables.js';
import { readCodeManifest } from './readManifest.js';
import { editionRefs, programContentOf } from './resolvedEdition.js';

/** One edition as governance reads and writes it (the parsed form of a program_editions row). */
export interface EditionRecord {
  programId: string;
  edition: number;
  checksum: string;
  messageHash: string;
  causeKind: ProgramEditionsTable['cause_kind'];
  sender: string;
  programOwner: string;
  time: number;
  height: number;
  changes: string[];
  resolved: ResolvedEdition;
  references: ReferenceUse[];
  manifest: Manifest | null;
  sourceHashes: Record<string, string>;
}

function fromRow(r: ProgramEditionsTable): EditionRecord {
  return {
    programId: r.program_id,
    edition: r.edition,
    checksum: r.checksum,
    messageHash: r.message_hash,
    causeKind: r.cause_kind,
    sender: r.sender,
    programOwner: r.program_owner,
    time: r.time,
    height: r.height,
    changes: JSON.parse(r.changes) as string[],
    resolved: JSON.parse(r.resolved) as ResolvedEdition,
    references: JSON.parse(r.refs) as ReferenceUse[],
    manifest: r.manifest ? (JSON.parse(r.manifest) as Manifest) : null,
    sourceHashes: JSON.parse(r.source_hashes) as Record<string, string>,
  };
}

/**
 * Appends an accepted edition to the program's history.
 *
 * @example
 * await insertEdition(db, { ...record, edition: 1 });
 */
export async function insertEdition(db: Db, e: EditionRecord): Promise<void> {
  await db
    .insertInto('program_editions')
    .values({
      program_id: e.programId,
      edition: e.edition,
      checksum: e.checksum,
      message_hash: e.messageHash,
      cause_kind: e.causeKind,
      sender: e.sender,
      program_owner: e.programOwner,
      time: e.time,
      height: e.height,
      changes: JSON.stringify(e.changes),
      resolved: JSON.stringify(e.resolved),
      refs: JSON.stringify(e.references),
      manifest: e.manifest ? JSON.stringify(e.manifest) : null,
      source_hashes: JSON.stringify(e.sourceHashes),
      upgrade_policy: e.manifest?.upgrade_policy ?? null,
    })
    .execute();
}

/** Every recorded edition of a program, oldest first. */
export async function listEditions(db: Db, programId: string): Promise<EditionRecord[]> {
  const rows = await db
    .selectFrom('program_editions')
    .selectAll()
    .where('program_id', '=', programId)
    .orderBy('edition')
    .execute();
  return rows.map(fromRow);
}

/**
 * The edition in force. Programs deployed before governance existed (store migration 0002) have no
 * record yet: theirs is derived from the version in force, exactly as a deployment would record it.
 *
 * @example
 * const current = await editionInForce(db, files, program);
 */
export async function editionInForce(db: Db, files: FileStore, program: ProgramsTable): Promise<EditionRecord> {
  const row = await db
    .selectFrom('program_editions')
    .selectAll()
    .where('program_id', '=', program.id)
    .where('edition', '=', program.edition)
    .executeTakeFirst();
  if (row) return fromRow(row);
  const msg = await db
    .selectFrom('messages')
    .select(['content', 'sender', 'time', 'height'])
    .where('item_hash', '=', program.current_hash)
    .executeTakeFirstOrThrow();
  const refs = await db.selectFrom('program_refs').selectAll().where('program_id', '=', program.id).execute();
  const { resolved, references } = editionRefs(programContentOf(msg.content ?? '{}'), refs);
  const code = await readCodeManifest(files, resolved.code.file_hash, resolved.code.encoding);
  return {
    programId: program.id,
    edition: program.edition,
    checksum: computeChecksum(resolved),
    messageHash: program.current_hash,
    causeKind: program.edition === 0 ? 'deploy' : 'replace',
    sender: msg.sender,
    programOwner: program.owner,
    time: msg.time,
    height: program.updated_height,
    changes: [],
    resolved,
    references,
    manifest: typeof code.manifest === 'string' ? null : code.manifest,
    sourceHashes: code.sourceHashes,
  };
}

/**
 * The number the program's next accepted edition gets: one above every edition ever accepted, so above the one in
 * force when a later edition was aborted during its rollout (DESIGN §9: edition numbers are never reused).
 *
 * @example
 * const n = await nextEditionNumber(db, program); // program.edition + 1 unless an edition after it was aborted
 */
export async function nextEditionNumber(db: Db, program: Pick<ProgramsTable, 'id' | 'edition'>): Promise<number> {
  const row = await db
    .selectFrom('program_editions')
    .select('edition')
    .where('program_id', '=', program.id)
    .orderBy('edition', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Math.max(program.edition, row?.edition ?? 0) + 1;
}
