import { AlephError } from '../../errors.js';

/** Clients remembered; past this the longest idle ones are forgotten (they would have a full budget anyway). */
const MAX_CLIENTS = 10_000;

/**
 * Bytes of anonymous uploads (no signed STORE) one client IP may send per minute, refilled continuously. An
 * upload is refused (429) while the client's budget is spent; one that goes through is charged its actual size
 * afterwards (it is not known before), so a client gets at most its budget plus one upload ahead.
 */
export class UploadBudget {
  private readonly clients = new Map<string, { bytes: number; at: number }>();

  constructor(
    private readonly bytesPerMinute: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private current(client: string): { bytes: number; at: number } {
    const t = this.now();
    const b = this.clients.get(client) ?? { bytes: this.bytesPerMinute, at: t };
    this.clients.delete(client); // re-inserted last: the map's order is least recently used first
    b.bytes = Math.min(this.bytesPerMinute, b.bytes + ((t - b.at) / 60_000) * this.bytesPerMinute);
    b.at = t;
    this.clients.set(client, b);
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    return b;
  }

  /** Throws UPLOAD_RATE_LIMITED (429) while `client` has spent its budget. */
  check(client: string): void {
    const b = this.current(client);
    if (b.bytes > 0) return;
    const retryAfter = Math.max(1, Math.ceil(((1 - b.bytes) / this.bytesPerMinute) * 60));
    throw new AlephError(
      'UPLOAD_RATE_LIMITED',
      `anonymous uploads from ${client} are over ${this.bytesPerMinute} bytes a minute`,
      {
        hint: `retry in ${retryAfter} s, or send a signed STORE in the "metadata" field before the file`,
        details: { retry_after_s: retryAfter, bytes_per_minute: this.bytesPerMinute },
      },
    );
  }

  charge(client: string, bytes: number): void {
    this.current(client).bytes -= bytes;
  }
}
