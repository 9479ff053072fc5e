/**
 * The messages processed but not yet sent to the websocket subscribers, fanned out one at a time in processing
 * order (each subscriber sees them in that order). Bounded: when fan-out falls `max` messages behind ingest (many
 * subscribers, large messages, a busy node), holding more would only grow memory and make every subscriber's
 * stream later still, so the queue is dropped and `onOverflow` closes the subscribers, who reconnect with
 * `history` to catch up. A subscriber is never silently skipped a message.
 */
export class FanOutQueue {
  private readonly hashes: string[] = [];
  private draining = false;
  /** The most hashes ever waiting at once (a bound the tests check). */
  peak = 0;

  constructor(
    private readonly max: number,
    private readonly fanOut: (hash: string) => Promise<void>,
    private readonly onOverflow: (waiting: number) => void,
  ) {}

  get size(): number {
    return this.hashes.length;
  }

  push(hash: string): void {
    if (this.hashes.length >= this.max) {
      const waiting = this.hashes.length + 1;
      this.hashes.length = 0;
      this.onOverflow(waiting);
      return;
    }
    this.hashes.push(hash);
    this.peak = Math.max(this.peak, this.hashes.length);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // One fan-out failing (a store error) must not stop the ones after it, nor reach the event loop.
      while (this.hashes.length) await this.fanOut(this.hashes.shift()!).catch(() => {});
    } finally {
      this.draining = false;
    }
  }
}
