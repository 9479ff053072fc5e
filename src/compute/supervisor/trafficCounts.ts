import type { ComputeTraffic } from '../../protocol/api/computeSchemas.js';

/** Seconds of per-second counts kept per program: the console's live chart. */
export const TRAFFIC_WINDOW_S = 60;
/** Programs counted at once; past it, programs silent for a whole window are dropped first. */
const MAX_PROGRAMS = 10_000;

interface Ring {
  /** The unix second of the newest slot. */
  second: number;
  requests: Uint32Array;
  errors: Uint32Array;
}

/**
 * Requests and failures (what the client saw fail: 5xx, crash, timeout, a start that failed) per program and per
 * second over the last {@link TRAFFIC_WINDOW_S} seconds, as this compute node answered them
 * (`GET /control/machine/{id}/traffic`). Fixed-size rings: memory is bounded by the program count, not the traffic.
 */
export class TrafficCounts {
  private readonly rings = new Map<string, Ring>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  record(programId: string, failed: boolean): void {
    const now = Math.floor(this.nowMs() / 1000);
    let r = this.rings.get(programId);
    if (!r) {
      if (this.rings.size >= MAX_PROGRAMS) this.prune(now);
      r = { second: now, requests: new Uint32Array(TRAFFIC_WINDOW_S), errors: new Uint32Array(TRAFFIC_WINDOW_S) };
      this.rings.set(programId, r);
    }
    advance(r, now);
    const i = now % TRAFFIC_WINDOW_S;
    r.requests[i]! += 1;
    if (failed) r.errors[i]! += 1;
  }

  /** The program's last window, oldest second first, ending with the current second (zeros when never called). */
  window(programId: string, node: string): ComputeTraffic {
    const now = Math.floor(this.nowMs() / 1000);
    const r = this.rings.get(programId);
    if (r) advance(r, now);
    const order = (a: Uint32Array | undefined) =>
      Array.from({ length: TRAFFIC_WINDOW_S }, (_, k) => a?.[(now - TRAFFIC_WINDOW_S + 1 + k) % TRAFFIC_WINDOW_S] ?? 0);
    return {
      program_id: programId,
      node,
      time: now,
      window_s: TRAFFIC_WINDOW_S,
      requests: order(r?.requests),
      errors: order(r?.errors),
    };
  }

  private prune(now: number): void {
    for (const [id, r] of this.rings) if (r.second <= now - TRAFFIC_WINDOW_S) this.rings.delete(id);
    // Everyone busy within the window: the oldest entry goes (Map keeps insertion order).
    if (this.rings.size >= MAX_PROGRAMS) this.rings.delete(this.rings.keys().next().value!);
  }
}

/** Zeroes the slots of the seconds between the ring's newest and `now` (all of them after a long silence). */
function advance(r: Ring, now: number): void {
  if (now <= r.second) return;
  const gap = Math.min(now - r.second, TRAFFIC_WINDOW_S);
  for (let k = 1; k <= gap; k++) {
    const i = (r.second + k) % TRAFFIC_WINDOW_S;
    r.requests[i] = 0;
    r.errors[i] = 0;
  }
  r.second = now;
}
