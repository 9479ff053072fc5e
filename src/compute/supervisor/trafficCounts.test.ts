import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeTrafficSchema } from '../../protocol/api/computeSchemas.js';
import { TRAFFIC_WINDOW_S, TrafficCounts } from './trafficCounts.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('per-second request counts of a compute node', () => {
  it('counts requests and failures in their own second, oldest first, ending with now', () => {
    let now = 1_000_000_000;
    const t = new TrafficCounts(() => now);
    t.record(A, false);
    t.record(A, true);
    now += 1000;
    t.record(A, false);
    t.record(B, true);
    now += 2500;
    const w = computeTrafficSchema.parse(t.window(A, '0xnode'));
    assert.equal(w.window_s, TRAFFIC_WINDOW_S);
    assert.equal(w.requests.length, TRAFFIC_WINDOW_S);
    assert.equal(w.time, Math.floor(now / 1000));
    assert.deepEqual(w.requests.slice(-4), [2, 1, 0, 0]);
    assert.deepEqual(w.errors.slice(-4), [1, 0, 0, 0]);
    assert.deepEqual(t.window(B, '0xnode').errors.slice(-3), [1, 0, 0], 'each program on its own');
    assert.equal(w.node, '0xnode');
  });

  it('forgets what is older than its window, also after a long silence', () => {
    let now = 5_000_000;
    const t = new TrafficCounts(() => now);
    for (let i = 0; i < 3; i++) t.record(A, i === 0);
    now += (TRAFFIC_WINDOW_S - 1) * 1000;
    assert.equal(
      t.window(A, 'n').requests.reduce((a, b) => a + b),
      3,
    );
    now += 1000;
    assert.equal(
      t.window(A, 'n').requests.reduce((a, b) => a + b),
      0,
      'the second fell out of the window',
    );
    now += 3_600_000;
    t.record(A, false);
    const w = t.window(A, 'n');
    assert.deepEqual([w.requests.reduce((a, b) => a + b), w.errors.reduce((a, b) => a + b)], [1, 0]);
    assert.deepEqual(t.window(B, 'n').requests, new Array(TRAFFIC_WINDOW_S).fill(0), 'never called: zeros');
  });
});
