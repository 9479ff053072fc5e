import { AlephError } from '../../errors.js';
import { sameAddress } from '../../protocol/index.js';
import { aggregateOf, assertCanActFor, type ApplyContext } from './applyContext.js';
import { contentOf } from './contentOf.js';

/** AGGREGATE: shallow merge of the new content over the key's current content, in processing order (aleph). */
export async function applyAggregate(ctx: ApplyContext): Promise<void> {
  const content = contentOf(ctx.msg, 'AGGREGATE');
  // Delegating the security aggregate would let a delegate grant itself more rights; aleph forbids it.
  if (content.key === 'security' && !sameAddress(ctx.msg.sender, content.address)) {
    throw new AlephError('NOT_AUTHORIZED', 'only the address itself may change its security aggregate', {
      details: { sender: ctx.msg.sender, owner: content.address },
    });
  }
  await assertCanActFor(ctx, content.address);
  const current = (await aggregateOf(ctx, content.address, content.key)) ?? {};
  const merged = JSON.stringify({ ...current, ...content.content });
  await ctx.db
    .insertInto('aggregates')
    .values({ address: content.address, key: content.key, content: merged, height: ctx.height })
    .onConflict((oc) => oc.columns(['address', 'key']).doUpdateSet({ content: merged, height: ctx.height }))
    .execute();
}
