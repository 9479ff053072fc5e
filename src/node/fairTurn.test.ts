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

describe('fairTurn: ordinary reads go before bulk work', () => {
  it('a page of 20 steps finishes while 50 bulk jobs have each run only a few of theirs', async () => {
    const steps = new Map<string, number>();
    let stop = false;
    const bulkJob = async (name: string) => {
      for (let i = 0; i < 1000 && !stop; i++) {
        await fairTurn();
        busy(0.2);
        steps.set(name, (steps.get(name) ?? 0) + 1);
      }
    };
    const jobs = Array.from({ length: 50 }, (_, i) => bulkJob(`bulk${i}`));
    // The page arrives once every bulk job is queued.
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20; i++) {
      await fairTurn({ ordinary: true });
      busy(0.2);
    }
    const pageDoneAt = [...steps.values()].reduce((a, b) => a + b, 0);
    stop = true;
    await Promise.all(jobs);
    // With one queue the page waits a full round of the 50 jobs at each of its 20 steps: ≥ 950 bulk steps.
    assert.ok(pageDoneAt < 200, `the page finished after ${pageDoneAt} bulk steps`);
    assert.ok((steps.get('bulk49') ?? 0) > 0, 'bulk work still ran');
  });
});
