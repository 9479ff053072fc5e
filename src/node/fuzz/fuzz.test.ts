import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz, type FuzzReport } from './runFuzz.js';
import { spawnNode, type NodeProcess } from './spawnNode.js';

describe('a seeded fuzz run against a node in its own process', () => {
  let home: string;
  let node: NodeProcess;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-fuzz-'));
    node = await spawnNode(join(home, 'node'));
  });
  after(async () => {
    await node.stop();
    rmSync(home, { recursive: true, force: true });
  });

  let r: FuzzReport;
  let detail = '';
  before(async () => {
    r = await runFuzz({ url: node.url, seed: 20261201, count: 2000, concurrency: 16, alive: node.alive });
    detail = JSON.stringify(
      {
        forgeries: r.forgery_examples.slice(0, 3),
        errors: r.server_error_examples.slice(0, 5),
        transport: r.transport_error_examples.slice(0, 5),
        stderr: node.stderr().slice(0, 1000),
      },
      null,
      1,
    );
  });

  it('2,000 hostile messages, bodies, query strings and websocket frames: 0 crashes, (almost) every connection answered', () => {
    assert.equal(r.requests, 2000);
    assert.equal(r.crashes, 0, `the node died: ${detail}`);
    // A request or two in a few thousand sees ECONNRESET on a fresh socket while the node stays up and answers
    // (unexplained yet, also with Node's default timeouts; fuzz.json lists them): bounded here, not hidden.
    assert.ok(r.transport_errors <= 5, `${r.transport_errors} connections dropped: ${detail}`);
    assert.equal(r.per_generator.websocket_junk.server_errors, 0, detail);
    // Every generator ran, and genuine messages still get in (the fuzzer is not just knocking on a closed door).
    for (const [g, c] of Object.entries(r.per_generator)) assert.ok(c.sent > 0, `${g} sent nothing`);
    assert.ok(r.per_generator.valid.accepted > 0, 'no genuine message was accepted');
  });

  it('0 forgeries accepted, 0 5xx, ordinary reads never fail', () => {
    assert.equal(r.accepted_forgeries, 0, detail);
    assert.equal(r.server_errors, 0, detail);
    assert.equal(r.probe.failures, 0, detail);
  });
});
