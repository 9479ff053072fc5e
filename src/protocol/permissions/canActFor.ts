import { sameAddress } from '../signing/address.js';

/** One entry of the `authorizations` list of a `security` aggregate, as aleph defines it. */
export interface Authorization {
  address: string;
  chain?: string;
  channels?: string[];
  types?: string[];
  post_types?: string[];
  aggregate_keys?: string[];
}

export interface ActionInfo {
  sender: string;
  chain: string;
  channel?: string | null;
  type: string;
  postType?: string | undefined;
  aggregateKey?: string | undefined;
}

function listAllows(list: string[] | undefined, value: string | null | undefined): boolean {
  return !list || list.length === 0 || (value != null && list.includes(value));
}

/**
 * Whether `action.sender` may act for `owner`: itself, or delegated through the owner's `security`
 * aggregate, with every filter of the matching authorization satisfied (aleph's permission model).
 */
export function canActFor(owner: string, action: ActionInfo, securityAggregate: unknown): boolean {
  if (sameAddress(owner, action.sender)) return true;
  const auths = (securityAggregate as { authorizations?: unknown } | null)?.authorizations;
  if (!Array.isArray(auths)) return false;
  return auths.some((a: Authorization) => {
    if (!a || typeof a.address !== 'string' || !sameAddress(a.address, action.sender)) return false;
    if (a.chain && a.chain !== action.chain) return false;
    if (!listAllows(a.channels, action.channel)) return false;
    if (!listAllows(a.types, action.type)) return false;
    if (action.type === 'POST' && !listAllows(a.post_types, action.postType)) return false;
    if (action.type === 'AGGREGATE' && !listAllows(a.aggregate_keys, action.aggregateKey)) return false;
    return true;
  });
}
