import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { createNode, type RunningNode } from '../createNode.js';
import { deployProgram, getJson, newAccount, postMessage, sign } from '../testing/nodeHarness.js';
import { ManualClock } from '../testing/manualClock.js';

/** Serving reports (issue 7): only a trusted compute node may say what runs, and only in the expected shape. */
describe('aleph-compute-report', () => {
  let node: RunningNode;
  let home: string;
  const [compute, stranger, owner] = [newAccount(), newAccount(), newAccount()];
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-node-reports-'));
    node = await createNode({
      home,
      port: 0,
      signatureWorkers: 0,
      clock: new ManualClock(),
      trustedComputeAddresses: [compute.address.toLowerCase()],
    });
  });
  after(async () => {
    await node.close();
    rmSync(home, { recursive: true, force: true });
  });
  const report = async (account = compute, content: unknown, address = account.address) =>
    postMessage(
      node.url,
      await sign(account, buildPost({ sender: account.address, address, type: 'aleph-compute-report', content })),
    );

  it('a stranger cannot make a program look broken (nor a delegate of the compute node)', async () => {
    const p = await deployProgram(node.url, owner);
    const forged = await report(stranger, { program_id: p.id, serving_edition: 0, failed_edition: 1, reason: 'boom' });
    assert.equal(forged.status, 422);
    assert.equal(forged.body.error_code, 'COMPUTE_REPORT_NOT_TRUSTED');
    // The compute node's address delegating to the stranger does not make the stranger a compute node.
    const grant = await sign(
      compute,
      buildAggregate({
        sender: compute.address,
        key: 'security',
        content: {
          authorizations: [{ address: stranger.address, types: ['POST'], post_types: ['aleph-compute-report'] }],
        },
      }),
    );
    assert.equal((await postMessage(node.url, grant)).status, 200);
    const delegated = await report(
      stranger,
      { program_id: p.id, serving_edition: 0, failed_edition: 1, reason: 'boom' },
      compute.address,
    );
    assert.equal(delegated.status, 422);
    assert.equal(delegated.body.error_code, 'COMPUTE_REPORT_NOT_TRUSTED');
    const view = await getJson(node.url, `/api/v0/programs/${p.id}`);
    assert.equal(view.status, 200, 'the node keeps answering');
    assert.equal(view.body.serving, null);
  });

  it('a trusted report must have the expected shape and name a known program', async () => {
    const p = await deployProgram(node.url, owner);
    const cases: Array<[unknown, string, string]> = [
      [{ program_id: p.id, serving_edition: 0, extra: 1 }, 'COMPUTE_REPORT_INVALID', 'content'],
      [{ program_id: p.id, serving_edition: -1 }, 'COMPUTE_REPORT_INVALID', 'content.serving_edition'],
      [
        { program_id: p.id, serving_edition: 0, failed_edition: 1, reason: 'x'.repeat(5000) },
        'COMPUTE_REPORT_INVALID',
        'content.reason',
      ],
      [{ program_id: 'nope', serving_edition: 0 }, 'COMPUTE_REPORT_INVALID', 'content.program_id'],
      ['a string', 'COMPUTE_REPORT_INVALID', 'content'],
      [{ program_id: 'ab'.repeat(32), serving_edition: 0 }, 'COMPUTE_REPORT_PROGRAM_UNKNOWN', ''],
    ];
    for (const [content, code, field] of cases) {
      const r = await report(compute, content);
      assert.equal(r.status, 422, JSON.stringify(content).slice(0, 80));
      assert.equal(r.body.error_code, code);
      if (field) assert.equal(r.body.details.field, field);
    }
    assert.equal((await getJson(node.url, `/api/v0/programs/${p.id}`)).body.serving, null);
  });

  it('a trusted report is shown on the program and in its history', async () => {
    const p = await deployProgram(node.url, owner);
    const r = await report(compute, {
      program_id: p.id,
      serving_edition: 0,
      failed_edition: 1,
      reason: 'exited with code 3 before listening',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const view = (await getJson(node.url, `/api/v0/programs/${p.id}`)).body;
    assert.equal(
      view.serving.summary,
      'serving: edition 0; edition 1 failed to start: exited with code 3 before listening',
    );
    assert.equal(view.serving.reported_by, compute.address);
    assert.equal((await report(compute, { program_id: p.id, serving_edition: 1, failed_edition: null })).status, 200);
    const history = (await getJson(node.url, `/api/v0/programs/${p.id}/history`)).body;
    assert.deepEqual(
      history.serving_reports.map((x: any) => x.summary),
      ['serving: edition 0; edition 1 failed to start: exited with code 3 before listening', 'serving: edition 1'],
    );
  });
});
