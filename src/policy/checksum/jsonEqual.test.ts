import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonicalJson.js';
import { jsonEqual } from './jsonEqual.js';

describe('jsonEqual', () => {
  it('agrees with comparing canonical serializations', () => {
    const cases: Array<[unknown, unknown]> = [
      [
        { a: 1, b: [true, null] },
        { b: [true, null], a: 1 },
      ],
      [{ a: 1, c: undefined }, { a: 1 }],
      [{ a: [1, 2] }, { a: [2, 1] }],
      [{ a: { x: '1' } }, { a: { x: 1 } }],
      [[], {}],
      [{ a: 1 }, { a: 1, b: 2 }],
      [null, {}],
    ];
    for (const [a, b] of cases)
      assert.equal(jsonEqual(a, b), canonicalJson(a) === canonicalJson(b), JSON.stringify([a, b]));
  });
});
