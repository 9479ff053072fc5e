import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { within } from './within.js';

describe('within: a bounded wait', () => {
  it('answers the value when it comes in time, undefined when it does not, and a rejection in time rejects', async () => {
    assert.equal(await within(Promise.resolve(7), 1000), 7);
    let late: (v: number) => void = () => {};
    assert.equal(await within(new Promise<number>((r) => (late = r)), 20), undefined);
    late(1);
    await assert.rejects(within(Promise.reject(new Error('boom')), 1000), /boom/);
  });

  it('leaves no timer behind once the promise settles (the process could exit at once)', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await within(Promise.resolve(), 60_000);
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, before);
  });
});
