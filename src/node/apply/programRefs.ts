import { isAlephError } from '../../errors.js';
import type { ProgramContent } from '../../protocol/index.js';
import { resolveStoreRef, type Db } from '../store/queries.js';
import type { ProgramRefsTable } from '../store/tables.js';

interface WantedRef {
  kind: ProgramRefsTable['kind'];
  mount: string;
  ref: string;
  useLatest: boolean;
  field: string;
}

/** Every STORE reference of a PROGRAM content, in the order the program_refs rows are written. */
function wantedRefs(content: ProgramContent): WantedRef[] {
  const wanted: WantedRef[] = [
    { kind: 'code', mount: '', ref: content.code.ref, useLatest: content.code.use_latest, field: 'code.ref' },
    {
      kind: 'runtime',
      mount: '',
      ref: content.runtime.ref,
      useLatest: content.runtime.use_latest,
      field: 'runtime.ref',
    },
  ];
  if (content.data?.ref)
    wanted.push({
      kind: 'data',
      mount: content.data.mount,
      ref: content.data.ref,
      useLatest: content.data.use_latest,
      field: 'data.ref',
    });
  content.volumes.forEach((v, i) => {
    if ('ref' in v)
      wanted.push({ kind: 'volume', mount: v.mount, ref: v.ref, useLatest: v.use_latest, field: `volumes.${i}.ref` });
  });
  return wanted;
}

/** Resolves every STORE a PROGRAM content depends on; throws PROGRAM_REF_UNKNOWN for a ref the node does not know. */
export async function resolveProgramRefs(
  db: Db,
  programId: string,
  content: ProgramContent,
): Promise<ProgramRefsTable[]> {
  const rows: ProgramRefsTable[] = [];
  for (const w of wantedRefs(content)) {
    const r = await resolveStoreRef(db, w.ref, w.useLatest, w.field);
    rows.push({
      program_id: programId,
      kind: w.kind,
      mount: w.mount,
      ref: r.ref,
      original: r.original,
      version: r.version,
      file_hash: r.fileHash,
      use_latest: w.useLatest ? 1 : 0,
    });
  }
  return rows;
}

/**
 * The program_refs rows of an earlier edition: its content's references, each at the file that edition resolved it
 * to (`fileOf`), not at the chain's latest version. A `use_latest` reference names the newest STORE of its chain that
 * holds that file. Never throws for a STORE gone since (forgotten): the row then names the ref as written.
 *
 * @example
 * await saveProgramRefs(db, id, await refsAtFiles(db, id, content, (kind, mount) => hashes[kind + mount]));
 */
export async function refsAtFiles(
  db: Db,
  programId: string,
  content: ProgramContent,
  fileOf: (kind: ProgramRefsTable['kind'], mount: string) => string | undefined,
): Promise<ProgramRefsTable[]> {
  const rows: ProgramRefsTable[] = [];
  for (const w of wantedRefs(content)) {
    const r = await resolveStoreRef(db, w.ref, false, w.field).catch((e: unknown) => {
      if (isAlephError(e) && e.code === 'PROGRAM_REF_UNKNOWN') return null;
      throw e;
    });
    const fileHash = fileOf(w.kind, w.mount) ?? r?.fileHash ?? '';
    const original = r?.original ?? w.ref;
    const version =
      w.useLatest && r && r.fileHash !== fileHash
        ? await db
            .selectFrom('stores')
            .select('item_hash')
            .where('original', '=', original)
            .where('file_hash', '=', fileHash)
            .orderBy('height', 'desc')
            .limit(1)
            .executeTakeFirst()
        : undefined;
    rows.push({
      program_id: programId,
      kind: w.kind,
      mount: w.mount,
      ref: r?.ref ?? w.ref,
      original,
      version: version?.item_hash ?? r?.version ?? w.ref,
      file_hash: fileHash,
      use_latest: w.useLatest ? 1 : 0,
    });
  }
  return rows;
}

export async function saveProgramRefs(db: Db, programId: string, rows: ProgramRefsTable[]): Promise<void> {
  await db.deleteFrom('program_refs').where('program_id', '=', programId).execute();
  if (rows.length) await db.insertInto('program_refs').values(rows).execute();
}
