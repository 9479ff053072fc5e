import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fairTurn } from './fairTurn.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* the step's work */
  }
};

describe('fairTurn: bulk work in steps lets the event loop serve others between slices', () => {
  it('a timer due at once fires long before 100 steps of 2 ms are done', async () => {
    const events: string[] = [];
    setTimeout(() => events.push('timer'), 0);
    for (let i = 0; i < 100; i++) {
      await fairTurn();
      busy(2);
      events.push('step');
    }
    const at = events.indexOf('timer');
    assert.ok(at >= 0 && at < 20, `the timer ran after ${at} steps`);
  });

  it('two bulk jobs take turns instead of one running to its end first', async () => {
    const order: string[] = [];
    const job = async (name: string) => {
      for (let i = 0; i < 30; i++) {
        await fairTurn();
        busy(1);
        order.push(name);
      }
    };
    await Promise.all([job('a'), job('b')]);
    const firstB = order.indexOf('b');
    assert.ok(firstB > 0 && firstB < 15, `b first ran after ${firstB} steps of a`);
    assert.equal(order.filter((x) => x === 'a').length, 30);
  });
});
