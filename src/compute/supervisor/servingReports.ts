import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { itemHashOf, ROLLOUT_ABORT_POST_TYPE, verificationBuffer } from '../../protocol/index.js';
import type { RolloutAbort } from '../rollout/rolloutRouting.js';

/** Must match the core node's COMPUTE_REPORT_POST_TYPE (compute never imports node/: DESIGN §1). */
export const COMPUTE_REPORT_POST_TYPE = 'aleph-compute-report';

/** What the compute node says it serves of a program; `failed_edition` is an accepted edition that did not start. */
export interface ServingReport {
  program_id: string;
  serving_edition: number | null;
  failed_edition?: number | null;
  reason?: string | null;
}

/**
 * The compute node's own key, `compute.key` under its home, made at first start (mode 0600). The core
 * node trusts reports signed by its address (the devnet registers it; a cluster operator lists it).
 *
 * @example
 * computeAccount(home).address; // '0x…'
 */
export function computeAccount(home: string): PrivateKeyAccount {
  const path = join(home, 'compute.key');
  if (!existsSync(path)) {
    mkdirSync(home, { recursive: true });
    writeFileSync(path, generatePrivateKey() + '\n', { mode: 0o600, flag: 'wx' });
  }
  return privateKeyToAccount(readFileSync(path, 'utf8').trim() as `0x${string}`);
}

/**
 * Publishes signed reports (POST `aleph-compute-report`) to the core node, one after another, without
 * ever holding up a request or an upgrade: a report that cannot be delivered is logged and dropped.
 */
export class ServingReporter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly apiUrl: string,
    /** This compute node's key; the fleet's heartbeats are signed with it too. */
    readonly account: PrivateKeyAccount,
    /** Removed from reasons: reports are public, and the compute node's paths are nobody's business. */
    private readonly home: string,
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  get address(): string {
    return this.account.address;
  }

  report(r: ServingReport): Promise<void> {
    this.chain = this.chain.then(() => this.send(r)).catch((e: Error) => this.onError(e));
    return this.chain;
  }

  /** Publishes the signed abort of a rollout over its error budget (DESIGN §9), in order with the reports. */
  abort(a: RolloutAbort): Promise<void> {
    this.chain = this.chain
      .then(() => this.post(ROLLOUT_ABORT_POST_TYPE, a.program_id, { ...a }))
      .catch((e: Error) => this.onError(e));
    return this.chain;
  }

  private send(putative: ServingReport): Promise<void> {
    const r = putative.reason
      ? { ...putative, reason: putative.reason.split(this.home).join('<compute home>').slice(0, 500) }
      : putative;
    return this.post(COMPUTE_REPORT_POST_TYPE, r.program_id, r);
  }

  private async post(type: string, programId: string, content: object): Promise<void> {
    const time = Date.now() / 1000;
    const sender = this.account.address;
    const itemContent = JSON.stringify({ type, address: sender, content, time, ref: programId });
    const unsigned = {
      chain: 'ETH',
      sender,
      type: 'POST' as const,
      channel: 'ALEPH-COMPUTE',
      time,
      item_type: 'inline',
      item_content: itemContent,
      item_hash: itemHashOf(itemContent),
    };
    const signature = await this.account.signMessage({ message: verificationBuffer(unsigned) });
    const res = await fetch(new URL('/api/v0/messages', this.apiUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: { ...unsigned, signature }, sync: true }),
    });
    if (!res.ok)
      throw new Error(`the core node refused a ${type} POST (HTTP ${res.status}): ${(await res.text()).slice(0, 300)}`);
  }
}
