import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ActionInfo, canActFor, canActForAll, parseAuthorizations } from './canActFor.js';

const owner = '0x' + '1'.repeat(40);
const bob = '0x' + 'b'.repeat(40);
const act = (type: string, extra: Record<string, unknown> = {}) => ({
  sender: bob,
  chain: 'ETH',
  channel: 'TEST',
  type,
  ...extra,
});
const sec = (...authorizations: unknown[]) => ({ authorizations });

describe('canActFor: the security aggregate parsed with a schema, filters matched by exact equality', () => {
  it('the owner always may; a stranger never', () => {
    assert.ok(canActFor(owner, { ...act('POST'), sender: owner }, null));
    assert.ok(!canActFor(owner, act('POST'), null));
    assert.ok(!canActFor(owner, act('POST'), sec({ address: '0x' + 'c'.repeat(40) })));
  });

  it('a string where a list belongs grants nothing (no substring matching)', () => {
    assert.ok(!canActFor(owner, act('STORE'), sec({ address: bob, types: 'PROGRAMSTORE' })));
    assert.ok(
      !canActFor(owner, act('POST', { postType: 'amend' }), sec({ address: bob, post_types: 'amendment-notes' })),
    );
    assert.ok(!canActFor(owner, act('POST'), sec({ address: bob, channels: 'TESTING' })));
    assert.ok(
      !canActFor(owner, act('AGGREGATE', { aggregateKey: 'notes' }), sec({ address: bob, aggregate_keys: 'notes!' })),
    );
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
    assert.equal(
      parseAuthorizations(sec({ address: bob, types: 'X' }, { address: bob, types: ['POST'] }, null, 7)).length,
      1,
    );
    assert.ok(canActFor(owner, act('POST'), sec({ address: bob, types: 'X' }, { address: bob, types: ['POST'] })));
    assert.ok(!canActFor(owner, act('POST'), { authorizations: { address: bob } }));
    assert.ok(!canActFor(owner, act('POST'), 'authorizations'));
  });

  it('canActForAll needs one entry that allows every action', () => {
    const a = act('FORGET');
    const onTarget = { chain: 'ETH', channel: 'PRIVATE', type: 'FORGET', postType: 'diary' };
    assert.ok(
      !canActForAll(
        owner,
        bob,
        [a, onTarget],
        sec({ address: bob, channels: ['TEST'] }, { address: bob, channels: ['PRIVATE'] }),
      ),
    );
    assert.ok(
      canActForAll(
        owner,
        bob,
        [a, onTarget],
        sec({ address: bob, channels: ['TEST', 'PRIVATE'], post_types: ['diary'] }),
      ),
    );
    assert.ok(
      !canActForAll(
        owner,
        bob,
        [a, onTarget],
        sec({ address: bob, channels: ['TEST', 'PRIVATE'], post_types: ['notes'] }),
      ),
    );
  });
});

describe('canActFor: every filter, both ways', () => {
  const carol = `0x${'c'.repeat(40)}`;
  // Each case: one authorization, an action it allows, and an action it refuses (one dimension changed).
  const cases: Array<{ filter: string; entry: Record<string, unknown>; allows: ActionInfo; refuses: ActionInfo }> = [
    { filter: 'address', entry: { address: bob }, allows: act('POST'), refuses: { ...act('POST'), sender: carol } },
    {
      filter: 'address (any case)',
      entry: { address: bob.toUpperCase().replace('0X', '0x') },
      allows: act('POST'),
      refuses: { ...act('POST'), sender: carol },
    },
    {
      filter: 'chain',
      entry: { address: bob, chain: 'ETH' },
      allows: act('POST'),
      refuses: act('POST', { chain: 'SOL' }),
    },
    {
      filter: 'channels',
      entry: { address: bob, channels: ['TEST', 'OTHER'] },
      allows: act('POST'),
      refuses: act('POST', { channel: 'PRIVATE' }),
    },
    {
      filter: 'channels (no channel)',
      entry: { address: bob, channels: ['TEST'] },
      allows: act('POST'),
      refuses: act('POST', { channel: null }),
    },
    {
      filter: 'types',
      entry: { address: bob, types: ['POST', 'AGGREGATE'] },
      allows: act('POST'),
      refuses: act('STORE'),
    },
    {
      filter: 'post_types',
      entry: { address: bob, post_types: ['amend'] },
      allows: act('POST', { postType: 'amend' }),
      refuses: act('POST', { postType: 'notes' }),
    },
    {
      filter: 'post_types (untyped POST)',
      entry: { address: bob, post_types: ['amend'] },
      allows: act('POST', { postType: 'amend' }),
      refuses: act('POST'),
    },
    {
      filter: 'post_types (FORGET of a POST)',
      entry: { address: bob, post_types: ['amend'] },
      allows: act('FORGET', { postType: 'amend' }),
      refuses: act('FORGET', { postType: 'diary' }),
    },
    {
      filter: 'aggregate_keys',
      entry: { address: bob, aggregate_keys: ['profile'] },
      allows: act('AGGREGATE', { aggregateKey: 'profile' }),
      refuses: act('AGGREGATE', { aggregateKey: 'security' }),
    },
    {
      filter: 'aggregate_keys (no key)',
      entry: { address: bob, aggregate_keys: ['profile'] },
      allows: act('AGGREGATE', { aggregateKey: 'profile' }),
      refuses: act('AGGREGATE'),
    },
  ];
  for (const c of cases) {
    it(`${c.filter}: grants what it names, refuses what it does not`, () => {
      assert.ok(canActFor(owner, c.allows, sec(c.entry)), 'allowed action refused');
      assert.ok(!canActFor(owner, c.refuses, sec(c.entry)), 'refused action allowed');
      // The owner needs no authorization at all, whatever the filters say.
      assert.ok(canActFor(owner, { ...c.refuses, sender: owner }, sec(c.entry)));
    });
  }

  it('a filter binds only its own dimension: post_types not a STORE, aggregate_keys not a POST', () => {
    assert.ok(canActFor(owner, act('STORE'), sec({ address: bob, post_types: ['amend'] })));
    assert.ok(canActFor(owner, act('POST', { postType: 'x' }), sec({ address: bob, aggregate_keys: ['profile'] })));
  });

  it('every filter at once: all must hold', () => {
    const entry = { address: bob, chain: 'ETH', channels: ['TEST'], types: ['POST'], post_types: ['amend'] };
    const ok = act('POST', { postType: 'amend' });
    assert.ok(canActFor(owner, ok, sec(entry)));
    for (const change of [
      { chain: 'SOL' },
      { channel: 'X' },
      { type: 'STORE' },
      { postType: 'notes' },
      { sender: carol },
    ]) {
      assert.ok(!canActFor(owner, { ...ok, ...change }, sec(entry)), JSON.stringify(change));
    }
  });

  it('a malformed filter grants nothing, even beside filters that would allow', () => {
    const ok = act('POST', { postType: 'amend' });
    const malformed: Array<Record<string, unknown>> = [
      { address: 7 },
      { address: null },
      { chain: ['ETH'] },
      { chain: 7 },
      { channels: 'TEST' },
      { channels: { 0: 'TEST' } },
      { channels: ['TEST', 7] },
      { types: 'POST' },
      { types: [null] },
      { types: ['X'.repeat(257)] },
      { types: Array.from({ length: 1001 }, () => 'POST') },
      { post_types: 'amend' },
      { post_types: [['amend']] },
      { aggregate_keys: 5 },
    ];
    for (const bad of malformed) {
      const entry = { address: bob, types: ['POST'], ...bad };
      assert.ok(!canActFor(owner, ok, sec(entry)), JSON.stringify(bad).slice(0, 80));
    }
    const noAddress = { types: ['POST'] };
    assert.ok(!canActFor(owner, ok, sec(noAddress)));
  });
});
