import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { createNode, type RunningNode } from '../createNode.js';
import { ManualClock } from '../testing/manualClock.js';
import { errorBodySchema } from '../../protocol/api/errorBody.js';
import {
  computeHeartbeatAnswerSchema,
  computeNodesAnswerSchema,
  heartbeatText,
  type ComputeHeartbeat,
} from '../../protocol/api/fleetSchemas.js';
import { listComputeNodes } from './computeFleet.js';

const allowed = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());

async function beat(url: string, signer: PrivateKeyAccount, over: Partial<ComputeHeartbeat> = {}, extra = {}) {
  const hb: ComputeHeartbeat = {
    address: allowed.address,
    url: 'http://127.0.0.1:4321',
    name: 'c1',
    time: Date.now() / 1000,
    ...over,
  };
  const signature = await signer.signMessage({ message: heartbeatText(hb) });
  const res = await fetch(`${url}/api/v0/compute/heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...hb, signature, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

function refused(r: { status: number; body: unknown }, status: number, code: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  const body = errorBodySchema.parse(r.body);
  assert.equal(body.error_code, code);
  assert.equal(body.message_status, undefined, 'a heartbeat is not a message');
}

// Registration and heartbeats: signed by the compute node's own key, checked against the allow-list, and never a
// message of the ordered log.
describe('compute fleet registry on the core node', () => {
  let node: RunningNode;
  let home: string;
  const nodes = async () =>
    computeNodesAnswerSchema.parse(await (await fetch(`${node.url}/api/v0/compute/nodes`)).json()).nodes;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-fleet-'));
    node = await createNode({
      home,
      port: 0,
      signatureWorkers: 0,
      clock: new ManualClock(),
      trustedComputeAddresses: [allowed.address],
    });
  });
  after(async () => {
    await node.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses a heartbeat signed by a key the allow-list does not name: 403, nothing stored', async () => {
    refused(await beat(node.url, stranger, { address: stranger.address }), 403, 'COMPUTE_NODE_UNKNOWN');
    assert.deepEqual(await nodes(), []);
  });

  it('refuses a heartbeat for an allowed address signed by another key: 401, nothing stored', async () => {
    const r = await beat(node.url, stranger);
    refused(r, 401, 'COMPUTE_HEARTBEAT_SIGNATURE_INVALID');
    assert.equal((errorBodySchema.parse(r.body).details as { recovered?: string }).recovered, stranger.address);
    const bytes = await beat(node.url, allowed, {}, { signature: `0x${'00'.repeat(65)}` });
    refused(bytes, 401, 'COMPUTE_HEARTBEAT_SIGNATURE_INVALID');
    assert.deepEqual(await nodes(), []);
  });

  it('refuses a stale or future heartbeat and a malformed body, storing nothing', async () => {
    refused(await beat(node.url, allowed, { time: Date.now() / 1000 - 120 }), 401, 'COMPUTE_HEARTBEAT_STALE');
    refused(await beat(node.url, allowed, { time: Date.now() / 1000 + 120 }), 401, 'COMPUTE_HEARTBEAT_STALE');
    refused(await beat(node.url, allowed, { url: 'http://127.0.0.1:4321/x' }), 422, 'REQUEST_BODY_INVALID');
    refused(await beat(node.url, allowed, { name: 'a\nb' }), 422, 'REQUEST_BODY_INVALID');
    refused(await beat(node.url, allowed, {}, { extra: 1 }), 422, 'REQUEST_BODY_INVALID');
    assert.deepEqual(await nodes(), []);
  });

  it('registers an allowed node, answers the fleet, and keeps the newest beat against a replay', async () => {
    const height = (await (await fetch(`${node.url}/api/v0/height`)).json()) as { height: number };
    const t0 = Date.now() / 1000;
    const first = await beat(node.url, allowed, { time: t0 - 1, url: 'http://127.0.0.1:4321' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const answer = computeHeartbeatAnswerSchema.parse(first.body);
    assert.equal(answer.node.address, allowed.address);
    assert.equal(answer.node.live, true);
    assert.equal((await beat(node.url, allowed, { time: t0, url: 'http://127.0.0.1:4322' })).status, 200);
    // The first beat again (a replay): accepted as harmless, but it does not move the node back.
    assert.equal((await beat(node.url, allowed, { time: t0 - 1, url: 'http://127.0.0.1:4321' })).status, 200);
    const listed = await nodes();
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.url, 'http://127.0.0.1:4322');
    assert.equal(listed[0]!.live, true);
    // Heartbeats are outside the ordered log: no message, no height.
    const msgs = (await (await fetch(`${node.url}/api/v0/messages.json`)).json()) as { pagination_total: number };
    assert.equal(msgs.pagination_total, 0);
    assert.deepEqual(await (await fetch(`${node.url}/api/v0/height`)).json(), height);
  });

  it('a node not seen within the live window is listed, not live', async () => {
    const later = await listComputeNodes(node.db, 3, Date.now() / 1000 + 10);
    assert.equal(later.nodes.length, 1);
    assert.equal(later.nodes[0]!.live, false);
  });
});
