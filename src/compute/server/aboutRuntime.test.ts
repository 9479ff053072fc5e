import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// A real core node in this process for the compute node to ask (the devnet's layout, without its runtimes).
import { deployProgram, newAccount, startTestNode, storeFile, type Harness } from '../../node/testing/nodeHarness.js';
import { packRuntime } from '../runtime/packRuntime.js';
import { cachedRuntime } from '../runtime/runtimeCache.js';
import { createComputeNode, type ComputeNode } from './createComputeNode.js';

describe('compute node start and GET /about/runtime/{ref}', () => {
  let h: Harness;
  let c: ComputeNode;
  let home: string;
  const alice = newAccount();
  before(async () => {
    h = await startTestNode();
    home = mkdtempSync(join(tmpdir(), 'aleph-about-'));
    // What a kill -9 mid-extraction leaves: staging dirs of a process that no longer exists.
    for (const d of ['code', 'volumes-ro', 'runtimes']) {
      mkdirSync(join(home, d, `${'ab'.repeat(32)}.partial-999999999-k1`), { recursive: true });
      writeFileSync(join(home, d, `${'ab'.repeat(32)}.partial-999999999-k1`, 'half'), 'x');
    }
    c = await createComputeNode({ apiUrl: h.url, home, port: 0 });
  });

  it('removes the partial extractions a dead process left, when the compute node starts', () => {
    for (const d of ['code', 'volumes-ro', 'runtimes'])
      assert.equal(existsSync(join(home, d, `${'ab'.repeat(32)}.partial-999999999-k1`)), false, d);
  });
  after(async () => {
    await c.close();
    await h.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('answers only for runtime STOREs a live program uses, never for any file hash, and unpacks under the compute home', async () => {
    const shell = await cachedRuntime('shell');
    const packed = `${shell}.squashfs`;
    if (!existsSync(packed)) await packRuntime(shell, packed);
    const bytes = readFileSync(packed);
    const storeHash = await storeFile(h.url, alice, bytes);
    const fileHash = (
      (await (await fetch(`${h.url}/api/v0/messages/${storeHash}`)).json()) as {
        message: { content: { item_hash: string } };
      }
    ).message.content.item_hash;

    for (const ref of [fileHash, storeHash, 'not-a-hash', '../../etc']) {
      const r = await fetch(`${c.url}/about/runtime/${encodeURIComponent(ref)}`);
      assert.equal(r.status, 404, ref);
      const body = (await r.json()) as { error_code: string };
      assert.equal(body.error_code, 'COMPUTE_RUNTIME_NOT_FOUND', ref);
    }
    assert.equal(existsSync(join(home, 'runtimes', fileHash)), false, 'nothing was unpacked for an unused runtime');

    await deployProgram(h.url, alice, { runtime: storeHash });
    const r = await fetch(`${c.url}/about/runtime/${storeHash}`);
    const body = (await r.json()) as { shell: boolean; file_hash: string };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.shell, true);
    assert.equal(body.file_hash, fileHash);
    assert.ok(existsSync(join(home, 'runtimes', fileHash, 'usr/bin/sh')), "unpacked under the compute node's own home");
    // A file hash of the runtime in use is still not a ref this endpoint takes.
    assert.equal((await fetch(`${c.url}/about/runtime/${fileHash}`)).status, 404);
  });
});
