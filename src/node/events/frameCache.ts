import type { MessagesTable } from '../store/tables.js';
import { messageFrame } from './messageFrame.js';

/**
 * Frames of recently processed messages, encoded once, bounded in bytes (least recently used out first). Two
 * hundred subscribers asking for the same history, or one message fanned out while a history is sent, would
 * otherwise build and encode the same frames again for each. Only processed messages are kept: a processed
 * message's frame never changes, and a message forgotten since is never sent (callers check the status first).
 */
export class FrameCache {
  private readonly frames = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  has(hash: string): boolean {
    return this.frames.has(hash);
  }

  /** The cached frame of a processed message, refreshed as most recently used. */
  get(hash: string): Buffer | undefined {
    const f = this.frames.get(hash);
    if (f) {
      this.frames.delete(hash);
      this.frames.set(hash, f);
    }
    return f;
  }

  /** The frame of `row`, built (and kept, if processed and not too large) when not cached. */
  frameOf(row: MessagesTable): Buffer {
    const cached = this.get(row.item_hash);
    if (cached) return cached;
    const frame = Buffer.from(messageFrame(row));
    if (row.status === 'processed' && frame.length <= this.maxBytes / 16) {
      this.frames.set(row.item_hash, frame);
      this.bytes += frame.length;
      for (const [h, f] of this.frames) {
        if (this.bytes <= this.maxBytes) break;
        this.frames.delete(h);
        this.bytes -= f.length;
      }
    }
    return frame;
  }
}
