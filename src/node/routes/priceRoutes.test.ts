import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { DEFAULT_PRICING_ADDRESS } from '../pricing/pricingSettings.js';
import { deployProgram, getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

/* pyaleph src/aleph/schemas/api/costs.py `EstimatedCostsResponse` and schemas/api/accounts.py `GetAccountBalanceResponse`. */
const COST_KEYS = ['charged_address', 'cost', 'detail', 'payment_type', 'required_tokens'];
const BALANCE_KEYS = ['address', 'balance', 'credit_balance', 'credit_balance_details', 'details', 'locked_amount'];
const keys = (o: object) => Object.keys(o).sort();

describe('pricing and balance, as aleph-client reads them before `program create` and in `program list`', () => {
  const alice = newAccount();
  const h = useTestNode();

  it('the pricing aggregate at ALEPH_AGGREGATE_ADDRESS has program tiers and compute units, every price 0', async () => {
    // aleph-sdk-python http.py `_fetch_aggregate`: GET /aggregates/{address}.json?keys=pricing, then data[key].
    const r = await getJson(h.url, `/api/v0/aggregates/${DEFAULT_PRICING_ADDRESS}.json?keys=pricing`);
    assert.equal(r.status, 200);
    const pricing = r.body.data.pricing;
    for (const entity of ['program', 'program_persistent']) {
      // PricingPerEntity: price, compute_unit {vcpus, memory_mib, disk_mib}, tiers [{id, compute_units}].
      assert.deepEqual(keys(pricing[entity]), ['compute_unit', 'price', 'tiers']);
      assert.deepEqual(keys(pricing[entity].compute_unit), ['disk_mib', 'memory_mib', 'vcpus']);
      assert.ok(
        pricing[entity].tiers.length > 0 &&
          pricing[entity].tiers.every(
            (t: { id: string; compute_units: number }) => /^tier-\d+$/.test(t.id) && t.compute_units > 0,
          ),
      );
      assert.equal(pricing[entity].price.compute_unit.holding, '0');
    }
    // An address with no aggregate is still 404 (the SDK's get_aggregate turns it into None).
    assert.equal((await getJson(h.url, `/api/v0/aggregates/${alice.address}.json?keys=pricing`)).status, 404);
  });

  it("POST /price/estimate takes the SDK's dummy-signed dump and answers zero in pyaleph's shape", async () => {
    const content = {
      address: alice.address,
      time: 1,
      type: 'vm-function',
      allow_amend: false,
      code: { encoding: 'zip', entrypoint: 'main:app', ref: 'ab'.repeat(32), use_latest: true },
    };
    const itemContent = JSON.stringify(content);
    const message = {
      chain: 'ETH',
      sender: alice.address,
      type: 'PROGRAM',
      channel: 'ALEPH-CLOUDSOLUTIONS',
      confirmations: null,
      confirmed: null,
      signature: `0x${'0'.repeat(130)}`,
      size: null,
      time: Date.now() / 1000,
      item_type: 'inline',
      item_content: itemContent,
      hash_type: null,
      item_hash: 'cd'.repeat(32),
      content,
      forgotten_by: null,
    };
    const r = await fetch(`${h.url}/api/v0/price/estimate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    });
    assert.equal(r.status, 200);
    const body = (await r.json()) as Record<string, unknown>;
    assert.deepEqual(keys(body), COST_KEYS);
    assert.equal(body.required_tokens, 0);
    assert.equal(body.cost, '0.000000000000000000');
    assert.equal(body.payment_type, 'hold');
    assert.equal(body.charged_address, alice.address);
    const bad = await fetch(`${h.url}/api/v0/price/estimate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: { ...message, type: 'POST' } }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error_code: string }).error_code, 'PRICE_TYPE_UNSUPPORTED');
  });

  it('GET /price/{hash}: zero for a program, 400 for a POST, 410 once forgotten, 404 unknown', async () => {
    const { id } = await deployProgram(h.url, alice);
    const r = await getJson(h.url, `/api/v0/price/${id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(keys(r.body), COST_KEYS);
    assert.equal(r.body.required_tokens, 0);
    const post = await sign(alice, buildPost({ sender: alice.address, type: 't', content: {} }));
    await postMessage(h.url, post);
    assert.equal((await getJson(h.url, `/api/v0/price/${post.item_hash}`)).status, 400);
    await postMessage(h.url, await sign(alice, buildForget({ sender: alice.address, hashes: [id], reason: 'x' })));
    assert.equal((await getJson(h.url, `/api/v0/price/${id}`)).status, 410);
    assert.equal((await getJson(h.url, `/api/v0/price/${'ef'.repeat(32)}`)).status, 404);
  });

  it("GET /addresses/{address}/balance: pyaleph's keys, nothing locked", async () => {
    const r = await getJson(h.url, `/api/v0/addresses/${alice.address.toLowerCase()}/balance`);
    assert.equal(r.status, 200);
    assert.deepEqual(keys(r.body), BALANCE_KEYS);
    assert.equal(r.body.address, alice.address);
    assert.ok(r.body.balance - r.body.locked_amount >= 0);
    assert.equal((await getJson(h.url, '/api/v0/addresses/nope/balance')).status, 422);
  });
});
