import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { placeProgram, placementWeight } from './placement.js';

const address = (i: number) => `0x${createHash('sha256').update(`node ${i}`).digest('hex').slice(0, 40)}`;
const programs = Array.from({ length: 10_000 }, (_, i) => createHash('sha256').update(`program ${i}`).digest('hex'));
const fleet = (n: number) => Array.from({ length: n }, (_, i) => ({ address: address(i) }));

describe('rendezvous placement of programs over live compute nodes', () => {
  it('is a pure function of the program and the set: order and address case do not matter', () => {
    const nodes = fleet(5);
    const shuffled = [...nodes].reverse().map((n) => ({ address: n.address.toUpperCase().replace('0X', '0x') }));
    for (const p of programs.slice(0, 500))
      assert.equal(placeProgram(p, nodes)!.address.toLowerCase(), placeProgram(p, shuffled)!.address.toLowerCase());
    assert.equal(placeProgram(programs[0]!, []), null);
    assert.equal(placeProgram(programs[0]!, [nodes[2]!]), nodes[2]);
    assert.equal(
      placementWeight(nodes[0]!.address, programs[0]!),
      placementWeight(nodes[0]!.address.toUpperCase(), programs[0]!),
    );
  });

  it('spreads programs evenly: each of 5 nodes gets 20% of 10,000 within 2 points', () => {
    const nodes = fleet(5);
    const count = new Map<string, number>();
    for (const p of programs) {
      const a = placeProgram(p, nodes)!.address;
      count.set(a, (count.get(a) ?? 0) + 1);
    }
    assert.equal(count.size, 5);
    for (const [a, n] of count) assert.ok(Math.abs(n / programs.length - 0.2) < 0.02, `${a}: ${n}`);
  });

  it('when a node leaves, only its programs move, spread over the others', () => {
    const nodes = fleet(5);
    const gone = nodes[3]!;
    const rest = nodes.filter((n) => n !== gone);
    const movedTo = new Map<string, number>();
    let moved = 0;
    for (const p of programs) {
      const before = placeProgram(p, nodes)!;
      const after = placeProgram(p, rest)!;
      if (before === gone) {
        moved++;
        movedTo.set(after.address, (movedTo.get(after.address) ?? 0) + 1);
      } else assert.equal(after, before, 'a program of a surviving node stays where it is');
    }
    assert.ok(moved > 1500 && moved < 2500, `${moved} moved`);
    assert.equal(movedTo.size, 4, 'the leaver’s programs go to every survivor');
  });

  it('when a node joins, the only programs that move are the ones it now serves', () => {
    const nodes = fleet(4);
    const joined = [...nodes, { address: address(99) }];
    let moved = 0;
    for (const p of programs) {
      const before = placeProgram(p, nodes)!;
      const after = placeProgram(p, joined)!;
      if (after.address !== before.address) {
        moved++;
        assert.equal(after.address, address(99));
      }
    }
    assert.ok(moved > 1500 && moved < 2500, `${moved} moved`);
  });
});
