import { AlephError } from '../../errors.js';
import type { ApplyContext } from './applyContext.js';
import { deployGoverned, replaceGoverned } from '../governance/governProgram.js';
import { findProgram } from '../programs/programView.js';
import { contentOf } from './contentOf.js';

/**
 * PROGRAM: a deployment, or with `replaces` an update of an existing program, which keeps its id while the
 * replacement becomes its current version (aleph gives it a new hash; both route to the program). Both are
 * governed by the program's policy (DESIGN §4): see governance/governProgram.ts.
 */
export async function applyProgram(ctx: ApplyContext): Promise<void> {
  const content = contentOf(ctx.msg, 'PROGRAM');
  if (!content.replaces) return deployGoverned(ctx, content);
  // By id or by a version's hash: replacing a replacement is then refused by the program's own rules
  // (REPLACE_NOT_ORIGINAL) and shows up on its history.
  const program = await findProgram(ctx.db, content.replaces);
  if (!program) {
    throw new AlephError('REPLACE_TARGET_UNKNOWN', `replaces ${content.replaces}, which is not a known PROGRAM`, {
      details: { replaces: content.replaces },
    });
  }
  await replaceGoverned(ctx, program, content);
}
