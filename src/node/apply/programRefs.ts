import type { ProgramContent } from '../../protocol/index.js';
import { resolveStoreRef, type Db } from '../store/queries.js';
import type { ProgramRefsTable } from '../store/tables.js';

/** Resolves every STORE a PROGRAM content depends on; throws PROGRAM_REF_UNKNOWN for a ref the node does not know. */
export async function resolveProgramRefs(
  db: Db,
  programId: string,
  content: ProgramContent,
): Promise<ProgramRefsTable[]> {
  const wanted: Array<{
    kind: ProgramRefsTable['kind'];
    mount: string;
    ref: string;
    useLatest: boolean;
    field: string;
  }> = [
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
  const rows: ProgramRefsTable[] = [];
  for (const w of wanted) {
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

export async function saveProgramRefs(db: Db, programId: string, rows: ProgramRefsTable[]): Promise<void> {
  await db.deleteFrom('program_refs').where('program_id', '=', programId).execute();
  if (rows.length) await db.insertInto('program_refs').values(rows).execute();
}
