import type { Clock } from '../pipeline/blockClock.js';

/**
 * A clock tests move by hand, so no test sleeps through real block intervals: `advance` moves the
 * time and resolves once every node on this clock has cut the blocks it skipped (time-locked
 * upgrades falling due included). It can also go back, as a wall clock may; the writer must not.
 *
 * @example
 * const clock = new ManualClock();
 * const h = await startTestNode({ clock });
 * await clock.advance(5 * h.intervalMs); // five blocks later
 */
export class ManualClock implements Clock {
  private listeners: Array<() => Promise<void>> = [];

  constructor(private ms = Date.now()) {}

  now(): number {
    return this.ms;
  }

  onJump(listener: () => Promise<void>): void {
    this.listeners.push(listener);
  }

  async advance(ms: number): Promise<void> {
    await this.set(this.ms + ms);
  }

  async set(ms: number): Promise<void> {
    this.ms = ms;
    await Promise.all(this.listeners.map((l) => l()));
  }
}

/** A node on a manual clock, as tests see it. */
export interface ClockedNode {
  url: string;
  clock: ManualClock;
  intervalMs: number;
}

/**
 * Moves a node's clock until `GET /api/v0/height` answers at least `height` (time-based heights:
 * filler messages would not move it). Returns the height reached.
 */
export async function advanceToHeight(target: ClockedNode, height: number): Promise<number> {
  const now = async () => ((await (await fetch(`${target.url}/api/v0/height`)).json()) as { height: number }).height;
  const before = await now();
  if (before < height) await target.clock.advance((height - before) * target.intervalMs);
  return now();
}
