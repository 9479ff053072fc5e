import type { PrivateKeyAccount } from 'viem/accounts';
import { AlephError, isAlephError } from '../../errors.js';
import { recoverPersonalSigner, sameAddress } from '../../protocol/index.js';

/** The header a compute node adds when it forwards a request to the one placed: `<address>.<unix s>.<signature>`. */
export const FORWARDED_HEADER = 'x-aleph-forwarded';

/** A marker is good this long either side of the receiver's clock: it bounds a captured one's replay. */
export const MARKER_VALID_SECONDS = 60;

const MARKER = /^(0x[0-9a-fA-F]{40})\.(\d{1,12})\.(0x[0-9a-fA-F]{130})$/;

/** The text a forwarding node personal_signs: its address and the time, under a first line of its own. */
export function markerText(address: string, time: number): string {
  return `aleph-compute-forward\n${address}\n${time}`;
}

/**
 * Signs a fresh marker. The forwarder makes one every few seconds, not one per request: a signature costs a
 * millisecond, and the marker says only "a compute node of this fleet sent this, lately", not which request.
 */
export async function signMarker(account: PrivateKeyAccount, now = Date.now()): Promise<string> {
  const time = Math.floor(now / 1000);
  return `${account.address}.${time}.${await account.signMessage({ message: markerText(account.address, time) })}`;
}

function invalid(reason: string): AlephError {
  return new AlephError('COMPUTE_FORWARD_INVALID', `the ${FORWARDED_HEADER} header is refused: ${reason}`, {
    hint: 'only compute nodes of this fleet forward requests; clients call /vm/{id}/ without it',
    details: { reason },
  });
}

/**
 * Checks a marker a request came with: well formed, signed by the address it names, that address a compute node
 * of the fleet (`isMember`), and fresh. Returns the forwarder's address; throws COMPUTE_FORWARD_INVALID (403).
 * Good markers are remembered (bounded), so a stream of forwarded requests costs one recovery per marker.
 */
export function markerChecker(isMember: (address: string) => boolean) {
  const good = new Map<string, { address: string; time: number }>();
  return function checkMarker(putative: string | string[], nowMs = Date.now()): string {
    if (typeof putative !== 'string') throw invalid('it is repeated');
    let known = good.get(putative);
    if (!known) {
      const m = MARKER.exec(putative);
      if (!m) throw invalid('it is not <address>.<unix seconds>.<signature>');
      const [, address, t, signature] = m as unknown as [string, string, string, string];
      let recovered: string | null = null;
      try {
        recovered = recoverPersonalSigner(markerText(address, Number(t)), signature);
      } catch (e) {
        if (!isAlephError(e)) throw e;
      }
      if (recovered === null || !sameAddress(recovered, address)) throw invalid(`it is not signed by ${address}`);
      known = { address, time: Number(t) };
      if (good.size >= 1000) good.clear();
      good.set(putative, known);
    }
    if (Math.abs(nowMs / 1000 - known.time) > MARKER_VALID_SECONDS) throw invalid('it has expired');
    if (!isMember(known.address)) throw invalid(`${known.address} is not a compute node of this fleet`);
    return known.address;
  };
}
