import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES_BY_AREA, REQUEST_ERROR_CODES, RETIRED_ERROR_CODES, isRequestErrorCode } from './index.js';

const all = Object.entries(ERROR_CODES_BY_AREA).flatMap(([area, codes]) =>
  codes.map((code) => ({ area, code: code as string })),
);

test('every code belongs to exactly one area', () => {
  const seen = new Map<string, string>();
  for (const { area, code } of all) {
    assert.equal(seen.get(code), undefined, `${code} is in both ${seen.get(code)} and ${area}`);
    seen.set(code, area);
  }
  assert.ok(seen.size > 150, `only ${seen.size} codes registered`);
});

test('a retired code is never registered again', () => {
  for (const code of RETIRED_ERROR_CODES)
    assert.ok(!all.some((c) => c.code === code), `${code} is retired but registered`);
});

test('codes are UPPER_SNAKE_CASE', () => {
  for (const { code } of all) assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
});

test('request errors are registered and are never message rejections', () => {
  for (const code of REQUEST_ERROR_CODES)
    assert.ok(
      all.some((c) => c.code === code),
      `${code} is not registered`,
    );
  assert.equal(isRequestErrorCode('REQUEST_QUERY_INVALID'), true);
  assert.equal(isRequestErrorCode('DRY_RUN_INVALID'), true);
  for (const refusal of ['UPGRADE_IMMUTABLE', 'MESSAGE_INVALID_SIGNATURE', 'MESSAGE_MALFORMED_JSON', 'NOT_AUTHORIZED'])
    assert.equal(isRequestErrorCode(refusal), false, refusal);
});
