/**
 * The four upgrade patterns of the Leo guide (seed 002), each compiled from its annotation and run
 * through the interpreter with an accepting and a refusing edition.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runConstructor } from './avm/runConstructor.js';
import { compileConstructor } from './constructor/compileAnnotation.js';
import { isPolicyError } from './errors.js';
import type { ConstructorContext } from './types.js';
import { SEED_TIMELOCK_AVM } from './testing/seedAvm.js';

const ADMIN = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const STRANGER = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
const APPROVED = 'ab'.repeat(32);

function ctx(over: Partial<ConstructorContext> = {}, votes: Record<string, string> = {}): ConstructorContext {
  return {
    edition: 1,
    programOwner: ADMIN,
    checksum: APPROVED,
    height: 1000,
    timestamp: 0,
    readMapping: (mapping, key) => votes[`${mapping}[${key}]`] ?? null,
    programEdition: () => null,
    ...over,
  };
}

const refuses = (avm: string, c: ConstructorContext) =>
  assert.throws(
    () => runConstructor(avm, c),
    (e) => isPolicyError(e, 'CONSTRUCTOR_FAILED'),
  );

describe('seed patterns', () => {
  it('pattern 1, @noupgrade: deploys at edition 0, refuses every upgrade', () => {
    const { avm } = compileConstructor(
      '@noupgrade\nasync constructor() {\n    // The Leo compiler automatically generates the constructor logic.\n}',
    );
    assert.equal(avm, 'constructor:\n    assert.eq edition 0u16;');
    runConstructor(avm, ctx({ edition: 0 }));
    refuses(avm, ctx({ edition: 1 }));
  });

  it('pattern 2, @admin: only the admin may deploy or upgrade', () => {
    const { avm } = compileConstructor(`@admin(address="${ADMIN}")`);
    runConstructor(avm, ctx({ programOwner: ADMIN }));
    refuses(avm, ctx({ programOwner: STRANGER }));
  });

  it('pattern 3, @checksum: an upgrade needs the checksum the governance aggregate approved', () => {
    const mapping = `${ADMIN}/approved_checksum`;
    const { avm } = compileConstructor(`@checksum(mapping="${mapping}", key="true")`);
    // Edition 0 skips the check: nothing can be approved before the program exists.
    runConstructor(avm, ctx({ edition: 0 }));
    runConstructor(avm, ctx({}, { [`${mapping}[true]`]: APPROVED }));
    refuses(avm, ctx({}, { [`${mapping}[true]`]: 'cd'.repeat(32) }));
    refuses(avm, ctx());
  });

  it('pattern 4, time-lock @custom: compiles exactly as the seed shows and holds upgrades until height 1300', () => {
    const source = `@custom
async constructor() {
    // For upgrades (edition > 0), enforce a block height condition on when the constructor can be called successfully
    if self.edition > 0u16 {
        assert(block.height >= 1300u32);
    }
}`;
    const { avm, kind } = compileConstructor(source);
    assert.equal(kind, 'custom');
    assert.equal(avm, SEED_TIMELOCK_AVM);
    runConstructor(avm, ctx({ edition: 0, height: 1 }));
    runConstructor(avm, ctx({ edition: 1, height: 1300 }));
    refuses(avm, ctx({ edition: 1, height: 1299 }));
  });
});
