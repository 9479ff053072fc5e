import type { Kysely } from 'kysely';
import { AlephError } from '../../errors.js';
import type { Database, MessagesTable, StoresTable } from './tables.js';

export type Db = Kysely<Database>;

export async function getMessageRow(db: Db, hash: string): Promise<MessagesTable | undefined> {
  return db.selectFrom('messages').selectAll().where('item_hash', '=', hash).executeTakeFirst();
}

export async function getHeight(db: Db): Promise<number> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'height').executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Follows a ref alias (the seed's default runtime) to the STORE it stands for on this network. */
export async function dealias(db: Db, ref: string): Promise<string> {
  const row = await db.selectFrom('ref_aliases').select('target').where('alias', '=', ref).executeTakeFirst();
  return row?.target ?? ref;
}

export interface ResolvedStore {
  /** The STORE the ref names (after aliasing). */
  ref: string;
  original: string;
  /** File hash of the version used: the ref's own, or the newest accepted amend when use_latest. */
  fileHash: string;
  /** STORE message hash of the version used. */
  version: string;
  owner: string;
}

/**
 * Resolves a STORE ref as a program uses it. A ref must name an accepted STORE (aleph checks this);
 * with use_latest the newest accepted amend of its chain wins, in processing order.
 */
export async function resolveStoreRef(
  db: Db,
  putativeRef: string,
  useLatest: boolean,
  field: string,
): Promise<ResolvedStore> {
  const ref = await dealias(db, putativeRef);
  const store = await db.selectFrom('stores').selectAll().where('item_hash', '=', ref).executeTakeFirst();
  if (!store) {
    throw new AlephError(
      'PROGRAM_REF_UNKNOWN',
      `${field} refers to ${putativeRef}, which is not an accepted STORE message`,
      {
        hint: 'upload the file with a STORE message first (aleph file upload), then use its item hash',
        details: { field, ref: putativeRef },
      },
    );
  }
  let used: StoresTable = store;
  if (useLatest) {
    used = await db
      .selectFrom('stores')
      .selectAll()
      .where('original', '=', store.original)
      .orderBy('height', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
  }
  return { ref, original: store.original, fileHash: used.file_hash, version: used.item_hash, owner: store.owner };
}

export async function setMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
