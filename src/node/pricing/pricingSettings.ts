/**
 * What the node answers to aleph's pricing and balance calls. This network takes no payment: every estimate and
 * price is zero and a balance never blocks. aleph-client reads tiers from the `pricing` aggregate of
 * ALEPH_AGGREGATE_ADDRESS before `program create` (aleph-sdk-python client/services/pricing.py), so the node
 * serves one there — a setting, so an operator can publish their own tiers and prices (shown by `aleph pricing`).
 */
export interface PricingSettings {
  /** aleph-sdk-python `settings.ALEPH_AGGREGATE_ADDRESS` (conf.py); the SDK reads `pricing` there. */
  aggregateAddress: string;
  /** The `pricing` aggregate served at that address unless a real AGGREGATE there sets the key. */
  aggregate: Record<string, unknown>;
}

export const DEFAULT_PRICING_ADDRESS = '0xFba561a84A537fCaa567bb7A2257e7142701ae2A';

/** aleph's six tiers, by compute units (aleph-sdk-python tests/unit/services/pricing_aggregate.json). */
const TIERS = [1, 2, 4, 6, 8, 12].map((compute_units, i) => ({ id: `tier-${i + 1}`, compute_units }));
const zero = { payg: '0', holding: '0', credit: '0' };
const entity = (diskMib: number) => ({
  price: { storage: zero, compute_unit: zero },
  tiers: TIERS,
  compute_unit: { vcpus: 1, disk_mib: diskMib, memory_mib: 2048 },
});

/** The shape of aleph's pricing aggregate (keys of `PricingEntity`; no GPU or confidential tiers here), every price 0. */
export const ZERO_PRICING_AGGREGATE: Record<string, unknown> = {
  program: entity(2048),
  program_persistent: entity(20480),
  instance: entity(20480),
  storage: { price: { storage: zero } },
  web3_hosting: { price: { fixed: 0, storage: zero } },
};

export function pricingSettingsOf(given: Partial<PricingSettings> = {}): PricingSettings {
  return {
    aggregateAddress: given.aggregateAddress ?? DEFAULT_PRICING_ADDRESS,
    aggregate: given.aggregate ?? ZERO_PRICING_AGGREGATE,
  };
}
