import type { MessageEnvelope } from '../../protocol/index.js';

interface Running<T> {
  envelope: MessageEnvelope;
  outcome: Promise<T>;
}

const settle = () => undefined;

/**
 * Exactly once for messages in flight. The duplicate check against the store sees committed state only,
 * so copies of a message that arrive while the first is still being verified or applied would each be
 * applied (an AGGREGATE eight times, at eight heights) or collide on the STORE row. Here an identical copy
 * waits for the first and gets its outcome — the same answer, success or refusal — and a different envelope
 * under the same item_hash waits its turn, then meets the committed state like any later copy.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Running<T>>();

  /** Runs `work` for `envelope`, unless an identical envelope is already running: then shares its outcome. */
  run(envelope: MessageEnvelope, work: () => Promise<T>): Promise<T> {
    const key = envelope.item_hash;
    const current = this.running.get(key);
    // Compared only when a copy is in flight: nearly every message has none, and costs nothing here.
    if (current && sameEnvelope(current.envelope, envelope)) return current.outcome;
    const outcome = current ? current.outcome.then(settle, settle).then(work) : work();
    const entry: Running<T> = { envelope, outcome };
    this.running.set(key, entry);
    const clear = () => {
      if (this.running.get(key) === entry) this.running.delete(key);
    };
    outcome.then(clear, clear);
    return outcome;
  }
}

/**
 * Every field of the envelope: the signature covers only chain, sender, type and item_hash, so two
 * envelopes with the same hash and a valid signature may still differ (time, channel, even the sender).
 */
export function sameEnvelope(a: MessageEnvelope, b: MessageEnvelope): boolean {
  return (
    a.chain === b.chain &&
    a.sender === b.sender &&
    a.type === b.type &&
    (a.channel ?? null) === (b.channel ?? null) &&
    a.time === b.time &&
    a.item_type === b.item_type &&
    (a.item_content ?? null) === (b.item_content ?? null) &&
    a.signature === b.signature
  );
}
