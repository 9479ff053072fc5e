import { AlephError } from '../../errors.js';
import type { Db } from '../store/queries.js';

/**
 * Where the writer reads the time. The wall clock by default; tests inject one they move by hand, and
 * `onJump` lets such a clock wake the writer so it cuts the blocks a jump skipped (no real waiting).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Called by clocks that jump; the writer returns a promise settled once it has caught up. */
  onJump?(listener: () => Promise<void>): void;
}

/** `block.height` and `block.timestamp` as the writer assigned them (seconds, as the wire's `time`). */
export interface BlockStamp {
  height: number;
  time: number;
}

export const wallClock: Clock = { now: () => Date.now() };

/** Default block interval of a network: heights advance once a second, with or without traffic. */
export const DEFAULT_BLOCK_INTERVAL_MS = 1000;

const META = { genesis: 'genesis_ms', interval: 'block_interval_ms', last: 'block_time_ms' } as const;

/**
 * The writer's time and height (DESIGN §4): the time never goes backwards, even when the wall clock
 * does (it is the latest time ever assigned, kept in the store across restarts), and the height is
 * the number of whole intervals elapsed since the network's genesis — so sending messages cannot make
 * it advance, and empty intervals count. The genesis and the interval are fixed at first start.
 */
export class BlockClock {
  private constructor(
    private readonly clock: Clock,
    readonly intervalMs: number,
    readonly genesisMs: number,
    private lastMs: number,
  ) {}

  /** Reads (or, at first start, fixes and stores) the genesis and the interval of the store's network. */
  static async open(db: Db, clock: Clock = wallClock, intervalMs?: number): Promise<BlockClock> {
    if (intervalMs !== undefined && (!Number.isSafeInteger(intervalMs) || intervalMs < 1)) {
      throw new AlephError('NODE_SETTING_INVALID', `blockIntervalMs must be a positive integer, not ${intervalMs}`, {
        details: { setting: 'blockIntervalMs' },
      });
    }
    const rows = await db.selectFrom('meta').select(['key', 'value']).where('key', 'in', Object.values(META)).execute();
    const meta = new Map(rows.map((r) => [r.key, Number(r.value)]));
    const storedInterval = meta.get(META.interval);
    if (storedInterval !== undefined && intervalMs !== undefined && storedInterval !== intervalMs) {
      throw new AlephError(
        'NODE_SETTING_CHANGED',
        `this store's network cuts a block every ${storedInterval} ms; it cannot change to ${intervalMs} ms`,
        {
          hint: "the block interval is fixed at the network's first start: drop the setting, or start a new network in a new home",
          details: { setting: 'blockIntervalMs', stored: storedInterval, given: intervalMs },
        },
      );
    }
    const now = clock.now();
    let genesis = meta.get(META.genesis) ?? now;
    let interval = storedInterval ?? intervalMs ?? DEFAULT_BLOCK_INTERVAL_MS;
    if (!meta.has(META.genesis)) {
      await db
        .insertInto('meta')
        .values([
          { key: META.genesis, value: String(genesis) },
          { key: META.interval, value: String(interval) },
        ])
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      // Core nodes starting together on one new PostgreSQL store: the first insert fixed the network's genesis.
      const fixed = await db
        .selectFrom('meta')
        .select(['key', 'value'])
        .where('key', 'in', [META.genesis, META.interval])
        .execute();
      for (const r of fixed) {
        if (r.key === META.genesis) genesis = Number(r.value);
        else interval = Number(r.value);
      }
    }
    return new BlockClock(clock, interval, genesis, Math.max(meta.get(META.last) ?? genesis, genesis));
  }

  /** The next message's stamp; the writer calls it once per message, in processing order. */
  stamp(): BlockStamp {
    this.lastMs = Math.max(this.lastMs, this.clock.now());
    return { height: this.heightAt(this.lastMs), time: this.lastMs / 1000 };
  }

  /** Another writer of a shared store assigned up to `ms`: never assign earlier than it (time never goes back). */
  advanceTo(ms: number): void {
    if (ms > this.lastMs) this.lastMs = ms;
  }

  /** The height now, without assigning anything (`GET /api/v0/height`, dry-runs). */
  current(): BlockStamp {
    const ms = Math.max(this.lastMs, this.clock.now());
    return { height: this.heightAt(ms), time: ms / 1000 };
  }

  /** The first instant of block `height`: the time a time-locked upgrade due at it is applied with. */
  startOf(height: number): BlockStamp {
    return { height, time: (this.genesisMs + height * this.intervalMs) / 1000 };
  }

  /** Milliseconds from now until block `height` begins (0 when it has). */
  msUntil(height: number): number {
    return Math.max(0, this.genesisMs + height * this.intervalMs - Math.max(this.lastMs, this.clock.now()));
  }

  /** The latest time assigned, to store with the batch that assigned it. */
  lastAssigned(): { key: string; value: string } {
    return { key: META.last, value: String(this.lastMs) };
  }

  /** Registers the writer's catch-up with a clock that jumps. */
  onJump(listener: () => Promise<void>): void {
    this.clock.onJump?.(listener);
  }

  private heightAt(ms: number): number {
    return Math.max(0, Math.floor((ms - this.genesisMs) / this.intervalMs));
  }
}
