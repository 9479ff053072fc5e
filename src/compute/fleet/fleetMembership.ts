import type { PrivateKeyAccount } from 'viem/accounts';
import {
  computeHeartbeatAnswerSchema,
  computeNodesAnswerSchema,
  heartbeatText,
  parseAnswer,
  sameAddress,
  type ComputeHeartbeat,
  type ComputeNodeEntry,
  type ComputeNodesAnswer,
} from '../../protocol/index.js';
import { signMarker } from './forwardMarker.js';
import { placeProgram } from './placement.js';

/** Another compute node of the fleet, as the core node lists it. */
export type Peer = Pick<ComputeNodeEntry, 'address' | 'url' | 'name'>;

export interface FleetOptions {
  apiUrl: string;
  account: PrivateKeyAccount;
  /** Where the other compute nodes reach this one (an http origin). */
  url: string;
  name: string;
  /** Beat (and refresh the live set) this often; default 1000 ms. */
  intervalMs?: number;
  /** Called when the live set changed (placements may have moved). */
  onChange?: () => void;
  onError?: (e: Error) => void;
}

/**
 * This compute node's membership of the fleet: it heartbeats to the core node every second (signed with its own
 * key), reads the live set from the answer, and places programs over it (rendezvous hashing). Until the first
 * answer, or while this node is not itself live in the set (not on the allow-list), every program is placed here:
 * a node that is no member serves what it is asked, and forwards nothing.
 */
export class FleetMembership {
  private live: Peer[] = [];
  private known: Peer[] = [];
  private key = '';
  private readonly placed = new Map<string, Peer | null>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastError = '';
  /** The current forwarding marker (re-signed every 10 s; good for a minute). */
  marker = '';
  private markerTime = 0;

  constructor(private readonly opts: FleetOptions) {}

  get address(): string {
    return this.opts.account.address;
  }

  /** Starts beating; resolves after the first beat's answer (or failure). */
  async start(): Promise<void> {
    await this.beat();
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.beat().finally(() => this.schedule()), this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** One beat: sign, send, adopt the live set from the answer (or from the plain listing when refused). */
  async beat(): Promise<void> {
    try {
      if (Date.now() - this.markerTime > 10_000) {
        this.marker = await signMarker(this.opts.account);
        this.markerTime = Date.now();
      }
      this.adopt(await this.send());
      this.lastError = '';
    } catch (e) {
      const message = (e as Error).message;
      // Said once per kind of failure, not every second.
      if (message !== this.lastError) this.opts.onError?.(e as Error);
      this.lastError = message;
      // Refused (not allowed, clock off): still learn the fleet, to know whom markers may come from.
      try {
        this.adopt(await this.list());
      } catch {
        // The core node is down: keep the last live set, which every node of the fleet keeps alike.
      }
    }
  }

  private async send(): Promise<ComputeNodesAnswer> {
    const hb: ComputeHeartbeat = {
      address: this.address,
      url: this.opts.url,
      name: this.opts.name,
      time: Date.now() / 1000,
    };
    const signature = await this.opts.account.signMessage({ message: heartbeatText(hb) });
    const url = new URL('/api/v0/compute/heartbeat', this.opts.apiUrl).toString();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...hb, signature }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as unknown;
    if (!res.ok)
      throw new Error(
        `the core node refused this compute node's heartbeat (HTTP ${res.status}): ${JSON.stringify(body).slice(0, 300)}`,
      );
    return parseAnswer(computeHeartbeatAnswerSchema, body, url);
  }

  private async list(): Promise<ComputeNodesAnswer> {
    const url = new URL('/api/v0/compute/nodes', this.opts.apiUrl).toString();
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return parseAnswer(computeNodesAnswerSchema, await res.json(), url);
  }

  private adopt(answer: ComputeNodesAnswer): void {
    const pick = (n: ComputeNodeEntry): Peer => ({ address: n.address, url: n.url, name: n.name });
    this.known = answer.nodes.map(pick);
    const live = answer.nodes.filter((n) => n.live).map(pick);
    const key = live.map((n) => `${n.address}@${n.url}`).join(',');
    if (key === this.key) return;
    this.key = key;
    this.live = live;
    this.placed.clear();
    this.opts.onChange?.();
  }

  /** Whether `address` is a registered compute node (live or lately so): whom a forwarding marker may name. */
  isMember(address: string): boolean {
    return this.known.some((n) => sameAddress(n.address, address));
  }

  /** The live set as last seen (this node included when it is a member). */
  liveNodes(): readonly Peer[] {
    return this.live;
  }

  /** The peer a program is placed on, or null when it is placed here (or this node is no live member). */
  placementOf(programId: string): Peer | null {
    const hit = this.placed.get(programId);
    if (hit !== undefined) return hit;
    const self = this.live.some((n) => sameAddress(n.address, this.address));
    const best = self ? placeProgram(programId, this.live) : null;
    const peer = best && !sameAddress(best.address, this.address) ? best : null;
    if (this.placed.size >= 100_000) this.placed.clear();
    this.placed.set(programId, peer);
    return peer;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
