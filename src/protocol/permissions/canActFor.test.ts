import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canActFor, canActForAll, parseAuthorizations } from './canActFor.js';

const owner = '0x' + '1'.repeat(40);
const bob = '0x' + 'b'.repeat(40);
const act = (type: string, extra: Record<string, unknown> = {}) => ({ sender: bob, chain: 'ETH', channel: 'TEST', type, ...extra });
const sec = (...authorizations: unknown[]) => ({ authorizations });

describe('canActFor: the security aggregate parsed with a schema, filters matched by exact equality', () => {
  it('the owner always may; a stranger never', () => {
    assert.ok(canActFor(owner, { ...act('POST'), sender: owner }, null));
    assert.ok(!canActFor(owner, act('POST'), null));
    assert.ok(!canActFor(owner, act('POST'), sec({ address: '0x' + 'c'.repeat(40) })));
  });

  it('a string where a list belongs grants nothing (no substring matching)', () => {
    assert.ok(!canActFor(owner, act('STORE'), sec({ address: bob, types: 'PROGRAMSTORE' })));
    assert.ok(!canActFor(owner, act('POST', { postType: 'amend' }), sec({ address: bob, post_types: 'amendment-notes' })));
    assert.ok(!canActFor(owner, act('POST'), sec({ address: bob, channels: 'TESTING' })));
    assert.ok(!canActFor(owner, act('AGGREGATE', { aggregateKey: 'notes' }), sec({ address: bob, aggregate_keys: 'notes!' })));
    assert.ok(!canActFor(owner, act('POST'), sec({ address: bob, chain: ['ETH'] })));
    assert.ok(!canActFor(owner, act('POST'), sec({ address: bob, types: [['POST']] })));
  });

  it('lists match whole elements; empty or absent lists do not restrict (aleph)', () => {
    assert.ok(canActFor(owner, act('STORE'), sec({ address: bob, types: ['STORE'] })));
    assert.ok(!canActFor(owner, act('STORE'), sec({ address: bob, types: ['STOR'] })));
    assert.ok(canActFor(owner, act('STORE'), sec({ address: bob, types: [] })));
    assert.ok(canActFor(owner, act('POST', { postType: 'x' }), sec({ address: bob })));
    assert.ok(!canActFor(owner, act('POST', { chain: 'SOL' }), sec({ address: bob, chain: 'ETH' })));
  });

  it('malformed entries are dropped, well-formed ones still count; a non-list authorizations grants nothing', () => {
    assert.equal(parseAuthorizations(sec({ address: bob, types: 'X' }, { address: bob, types: ['POST'] }, null, 7)).length, 1);
    assert.ok(canActFor(owner, act('POST'), sec({ address: bob, types: 'X' }, { address: bob, types: ['POST'] })));
    assert.ok(!canActFor(owner, act('POST'), { authorizations: { address: bob } }));
    assert.ok(!canActFor(owner, act('POST'), 'authorizations'));
  });

  it('canActForAll needs one entry that allows every action', () => {
    const a = act('FORGET');
    const onTarget = { chain: 'ETH', channel: 'PRIVATE', type: 'FORGET', postType: 'diary' };
    assert.ok(!canActForAll(owner, bob, [a, onTarget], sec({ address: bob, channels: ['TEST'] }, { address: bob, channels: ['PRIVATE'] })));
    assert.ok(canActForAll(owner, bob, [a, onTarget], sec({ address: bob, channels: ['TEST', 'PRIVATE'], post_types: ['diary'] })));
    assert.ok(!canActForAll(owner, bob, [a, onTarget], sec({ address: bob, channels: ['TEST', 'PRIVATE'], post_types: ['notes'] })));
  });
});
