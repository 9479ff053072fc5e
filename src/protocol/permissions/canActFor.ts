import { z } from 'zod';
import { sameAddress } from '../signing/address.js';

const filter = z.array(z.string().max(256)).max(1000);

/**
 * One entry of the `authorizations` list of a `security` aggregate, as aleph defines it. Each filter is a
 * list matched by exact element equality: a string where a list belongs (`types: "PROGRAMSTORE"`) would
 * otherwise be matched as a substring by `includes`, so an entry with any malformed filter grants nothing.
 * Fields aleph does not define are ignored (other tools keep notes there).
 */
export const authorizationSchema = z.object({
  address: z.string(),
  chain: z.string().max(64).nullish(),
  channels: filter.nullish(),
  types: filter.nullish(),
  post_types: filter.nullish(),
  aggregate_keys: filter.nullish(),
});
export type Authorization = z.infer<typeof authorizationSchema>;

export interface ActionInfo {
  sender: string;
  chain: string;
  channel?: string | null;
  type: string;
  /** A POST's type; set for POSTs, and for any action on a POST (a FORGET of one). */
  postType?: string | undefined;
  /** An AGGREGATE's key; set for AGGREGATEs, and for any action on one. */
  aggregateKey?: string | undefined;
}

/** The well-formed authorizations of a security aggregate; malformed entries are dropped, never repaired. */
export function parseAuthorizations(securityAggregate: unknown): Authorization[] {
  const auths = (securityAggregate as { authorizations?: unknown } | null)?.authorizations;
  if (!Array.isArray(auths)) return [];
  const out: Authorization[] = [];
  for (const a of auths.slice(0, 1000)) {
    const r = authorizationSchema.safeParse(a);
    if (r.success) out.push(r.data);
  }
  return out;
}

// aleph: an absent or empty list puts no restriction on that dimension.
function listAllows(list: string[] | null | undefined, value: string | null | undefined): boolean {
  return !list || list.length === 0 || (value != null && list.includes(value));
}

/** Whether one authorization (already known to name the sender) allows one action. */
export function authorizationAllows(a: Authorization, action: Omit<ActionInfo, 'sender'>): boolean {
  if (a.chain && a.chain !== action.chain) return false;
  if (!listAllows(a.channels, action.channel)) return false;
  if (!listAllows(a.types, action.type)) return false;
  if ((action.type === 'POST' || action.postType !== undefined) && !listAllows(a.post_types, action.postType))
    return false;
  if (
    (action.type === 'AGGREGATE' || action.aggregateKey !== undefined) &&
    !listAllows(a.aggregate_keys, action.aggregateKey)
  )
    return false;
  return true;
}

/**
 * Whether `sender` may act for `owner` in every one of `actions` through ONE authorization of the owner's
 * security aggregate (or is the owner). One entry must cover them all: a delegate allowed channel A for
 * FORGETs and another entry allowing channel B for POSTs must not combine them into more than either grants.
 */
export function canActForAll(
  owner: string,
  sender: string,
  actions: Array<Omit<ActionInfo, 'sender'>>,
  securityAggregate: unknown,
): boolean {
  if (sameAddress(owner, sender)) return true;
  return parseAuthorizations(securityAggregate).some(
    (a) => sameAddress(a.address, sender) && actions.every((action) => authorizationAllows(a, action)),
  );
}

/**
 * Whether `action.sender` may act for `owner`: itself, or delegated through the owner's `security`
 * aggregate, with every filter of the matching authorization satisfied (aleph's permission model).
 */
export function canActFor(owner: string, action: ActionInfo, securityAggregate: unknown): boolean {
  return canActForAll(owner, action.sender, [action], securityAggregate);
}
