/**
 * The AVM the Leo seed (../shared/seeds/002) prints for its time-lock example, verbatim: the policy tests and
 * the devnet end-to-end test both pin the compiler's output to it.
 */
export const SEED_TIMELOCK_AVM = [
  'constructor:',
  '    gt edition 0u16 into r0;',
  '    branch.eq r0 false to end_then_0_0;',
  '    gte block.height 1300u32 into r1;',
  '    assert.eq r1 true;',
  '    branch.eq true true to end_otherwise_0_1;',
  '    position end_then_0_0;',
  '    position end_otherwise_0_1;',
].join('\n');
