import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { firewallRules, hostAddresses } from './hostFirewall.js';

describe('host firewall of an internet: true sandbox', () => {
  it("covers every non-loopback address of the host and slirp's host alias, and nothing else", () => {
    const { v4, v6 } = hostAddresses();
    const own = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address.split('%')[0]);
    assert.deepEqual([...v4, ...v6].sort(), [...new Set([...own, '10.0.2.2'])].sort());
    assert.ok(!v4.some((a) => a.startsWith('127.')), "the sandbox's own loopback stays usable");
  });

  it('refuses TCP with a reset and drops the rest, towards those addresses only, never on lo', () => {
    const rules = firewallRules({ v4: ['10.0.2.2', '192.0.2.2'], v6: ['fe80::1'] });
    assert.match(rules, /oifname "lo" accept/);
    assert.match(rules, /ip daddr \{ 10\.0\.2\.2, 192\.0\.2\.2 \} meta l4proto tcp reject with tcp reset/);
    assert.match(rules, /ip daddr \{ 10\.0\.2\.2, 192\.0\.2\.2 \} drop/);
    assert.match(rules, /ip6 daddr \{ fe80::1 \} drop/);
    assert.match(rules, /policy accept/, 'every other destination stays reachable');
    assert.doesNotMatch(firewallRules({ v4: ['10.0.2.2'], v6: [] }), /ip6/);
  });
});
