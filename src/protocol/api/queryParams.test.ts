import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAlephError } from '../../errors.js';
import { parseRequestPart } from './parseRequest.js';
import { messagesQuerySchema } from './queryParams.js';

const parse = (q: Record<string, unknown>) => parseRequestPart(messagesQuerySchema, q, 'query');
function failsOn(q: Record<string, unknown>, field: string): void {
  assert.throws(
    () => parse(q),
    (e) => isAlephError(e) && e.code === 'REQUEST_QUERY_INVALID' && e.details.field === field,
  );
}

describe('messages.json query schema (pyaleph MessageQueryParams)', () => {
  it('parses lists, numbers and types', () => {
    const q = parse({
      pagination: '0',
      page: '3',
      msgTypes: 'post,STORE',
      hashes: `${'a'.repeat(64)},`,
      startDate: '1700000000.8530002',
      sort_order: '1',
      other: 'ignored',
    });
    assert.deepEqual(q, {
      pagination: 0,
      page: 3,
      msgTypes: ['POST', 'STORE'],
      hashes: ['a'.repeat(64)],
      startDate: 1700000000.8530002,
      sort_order: 1,
    });
  });

  it('refuses rather than reinterprets', () => {
    failsOn({ pagination: '-1' }, 'pagination');
    failsOn({ pagination: 'abc' }, 'pagination');
    failsOn({ page: '1e300' }, 'page');
    failsOn({ page: ['1', '2'] }, 'page');
    failsOn({ startDate: 'NaN' }, 'startDate');
    failsOn(
      {
        addresses: Array(101)
          .fill('0x' + '1'.repeat(40))
          .join(','),
      },
      'addresses',
    );
    failsOn({ hashes: 'Qm../../x' }, 'hashes');
    failsOn({ msgType: 'post,store' }, 'msgType');
  });

  it('a long bad value is echoed only in part', () => {
    try {
      parse({ channels: 'x'.repeat(50_000) });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(isAlephError(e));
      assert.ok(String(e.details.value).length <= 101);
    }
  });
});
