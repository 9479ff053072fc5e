import { AlephError } from '../../errors.js';
import { sameAddress } from '../../protocol/index.js';
import { assertCanActFor, type ApplyContext } from './applyContext.js';
import { adoptStoreAmend } from './adoptStoreAmend.js';
import { fileOfCid } from '../ipfs/cidIndex.js';
import { contentOf } from './contentOf.js';

/**
 * STORE: records the file version. With `ref` it amends an original STORE of the same owner; programs that
 * use the original with use_latest then adopt the new version (each under its own rules).
 */
export async function applyStore(ctx: ApplyContext): Promise<void> {
  const content = contentOf(ctx.msg, 'STORE');
  await assertCanActFor(ctx, content.address);
  // Files are kept under their sha256 whatever the engine: an ipfs STORE records the file its CID names.
  let fileHash = content.item_hash;
  if (content.item_type === 'ipfs') {
    const file = await fileOfCid(ctx.db, content.item_hash);
    if (!file)
      throw new AlephError('FILE_NOT_FOUND', `no file ${content.item_hash} on this node`, {
        hint: 'upload it with POST /api/v0/ipfs/add_file before (or with) its STORE',
        details: { hash: content.item_hash },
      });
    fileHash = file.file_hash;
  }
  let original = ctx.msg.envelope.item_hash;
  if (content.ref) {
    const target = await ctx.db
      .selectFrom('stores')
      .selectAll()
      .where('item_hash', '=', content.ref)
      .executeTakeFirst();
    if (!target) {
      throw new AlephError('STORE_REF_UNKNOWN', `the amended STORE ${content.ref} is not an accepted STORE message`, {
        details: { ref: content.ref },
      });
    }
    if (target.original !== target.item_hash) {
      throw new AlephError('STORE_AMEND_OF_AMEND', 'an amend must refer to the original STORE, not to another amend', {
        hint: `use ref ${target.original}`,
        details: { ref: content.ref, original: target.original },
      });
    }
    if (!sameAddress(target.owner, content.address)) {
      throw new AlephError('AMEND_NOT_OWNER', 'only the owner of a file may amend it', {
        details: { ref: content.ref, owner: target.owner, address: content.address },
      });
    }
    original = target.item_hash;
  }
  await ctx.db
    .insertInto('stores')
    .values({
      item_hash: ctx.msg.envelope.item_hash,
      original,
      file_hash: fileHash,
      owner: content.address,
      height: ctx.height,
    })
    .execute();
  if (content.ref) await adoptStoreAmend(ctx, original);
}
