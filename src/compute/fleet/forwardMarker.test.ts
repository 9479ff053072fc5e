import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { isAlephError } from '../../errors.js';
import { MARKER_VALID_SECONDS, markerChecker, signMarker } from './forwardMarker.js';

const member = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const check = markerChecker((a) => a.toLowerCase() === member.address.toLowerCase());

function refused(marker: string | string[], reason: RegExp, now?: number): void {
  assert.throws(
    () => check(marker, now),
    (e) => isAlephError(e) && e.code === 'COMPUTE_FORWARD_INVALID' && reason.test(String(e.details.reason)),
    String(marker),
  );
}

// The one-hop marker: a request forwarded by a fleet member is served where it lands; anything else is refused.
describe('forwarding markers', () => {
  it('accepts a fresh marker of a member, also from its cache', async () => {
    const m = await signMarker(member);
    assert.equal(check(m), member.address);
    assert.equal(check(m), member.address);
  });

  it('refuses a malformed, repeated, tampered, stranger’s or expired marker with its reason', async () => {
    const m = await signMarker(member);
    refused('', /is not <address>/);
    refused(`${m} `, /is not <address>/);
    refused([m, m], /repeated/);
    const [address, time, signature] = m.split('.') as [string, string, string];
    refused(`${address}.${Number(time) + 1}.${signature}`, /not signed by/);
    refused(`${address}.${time}.${(await signMarker(stranger)).split('.')[2]}`, /not signed by/);
    refused(await signMarker(stranger), /not a compute node of this fleet/);
    refused(await signMarker(member, Date.now() - (MARKER_VALID_SECONDS + 5) * 1000), /expired/);
    // A cached good marker still expires.
    refused(m, /expired/, Date.now() + (MARKER_VALID_SECONDS + 5) * 1000);
  });
});
