import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonTooDeep, jsonDepth, parseJsonWithin, valueDepth } from './jsonDepth.js';

describe('jsonDepth: nesting measured without recursion', () => {
  it('counts objects and arrays, not scalars', () => {
    assert.equal(jsonDepth('1'), 0);
    assert.equal(jsonDepth('"x"'), 0);
    assert.equal(jsonDepth('{}'), 1);
    assert.equal(jsonDepth('{"a":[1,{"b":[]}]}'), 4);
    assert.equal(jsonDepth('[[],[[]],[]]'), 3);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    assert.equal(jsonDepth('{"a":"[[[[{{{{"}'), 1);
    assert.equal(jsonDepth('{"a":"\\"[[[[","b":"\\\\"}'), 1);
    assert.equal(jsonDepth(JSON.stringify({ s: '\\"[{'.repeat(1000) })), 1);
  });

  it('a million levels cost one pass and stop at the limit', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    assert.equal(jsonDepth(deep, 64), 65);
    assert.ok(isJsonTooDeep(deep, 64));
    assert.ok(!isJsonTooDeep('[[]]', 2));
    assert.ok(isJsonTooDeep('[[[]]]', 2));
  });

  it('valueDepth measures a parsed value iteratively', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    assert.equal(valueDepth(v, 64), 65);
    assert.equal(valueDepth({ a: { b: [1] } }), 3);
  });

  it('parseJsonWithin returns null for too deep or invalid text, the value otherwise', () => {
    assert.equal(parseJsonWithin('['.repeat(600) + ']'.repeat(600), 512), null);
    assert.equal(parseJsonWithin('{nope', 512), null);
    assert.equal(parseJsonWithin(null, 512), null);
    assert.deepEqual(parseJsonWithin('{"a":[1]}', 512), { a: [1] });
  });
});
