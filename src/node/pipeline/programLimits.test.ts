import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildProgram,
  buildProgramReplacement,
  type BuildProgramParameters,
} from '../../client/messages/buildProgram.js';
import { createNode, type RunningNode } from '../createNode.js';
import { deployProgram, getJson, newAccount, postMessage, sign, storeFile } from '../testing/nodeHarness.js';
import { DEFAULT_PROGRAM_LIMITS } from './programLimits.js';

describe("per-program limits: a PROGRAM over the network's caps is refused, naming the cap", () => {
  const homes: string[] = [];
  const nodes: RunningNode[] = [];
  let url: string;
  const alice = newAccount();
  const start = async (programLimits?: Parameters<typeof createNode>[0]['programLimits']) => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-limits-'));
    homes.push(home);
    const node = await createNode({ home, port: 0, signatureWorkers: 0, ...(programLimits ? { programLimits } : {}) });
    nodes.push(node);
    return node.url;
  };
  before(async () => {
    url = await start();
  });
  after(async () => {
    for (const n of nodes) await n.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  const refused = async (
    at: string,
    extra: Partial<BuildProgramParameters>,
    limit: string,
    declared: number,
    max: number,
  ) => {
    const code = await storeFile(at, alice, Buffer.from(`code ${Math.random()}`));
    const msg = await sign(
      alice,
      buildProgram({ sender: alice.address, codeRef: code, entrypoint: 'main:app', runtime: code, ...extra }),
    );
    const r = await postMessage(at, msg);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error_code, 'PROGRAM_RESOURCES_OVER_LIMIT');
    assert.deepEqual(
      { limit: r.body.details.limit, declared: r.body.details.declared, max: r.body.details.max },
      { limit, declared, max },
    );
    assert.match(r.body.details.message, new RegExp(`over this network's limit of ${max}`));
    const s = await getJson(at, `/api/v0/messages/${msg.item_hash}`);
    assert.equal(s.body.status, 'rejected');
    assert.equal(s.body.error_code, 'PROGRAM_RESOURCES_OVER_LIMIT');
    assert.equal((await getJson(at, '/api/v0/height')).status, 200, 'the node keeps answering');
  };

  it('over the default memory, vcpus, seconds and disk caps', async () => {
    const d = DEFAULT_PROGRAM_LIMITS;
    await refused(url, { memory: 16384 }, 'memory', 16384, d.memoryMiB);
    await refused(url, { vcpus: d.vcpus + 1 }, 'vcpus', d.vcpus + 1, d.vcpus);
    await refused(url, { timeoutSeconds: 3600 }, 'seconds', 3600, d.seconds);
    const volumes = [
      { mount: '/cache', ephemeral: true as const, size_mib: 3000 },
      { mount: '/data', name: 'data', size_mib: 2000, persistence: 'host' as const },
    ];
    await refused(url, { volumes }, 'disk', 5000, d.diskMiB);
  });

  it('at the caps is accepted', async () => {
    const d = DEFAULT_PROGRAM_LIMITS;
    await deployProgram(url, alice, {
      memory: d.memoryMiB,
      vcpus: d.vcpus,
      timeoutSeconds: d.seconds,
      volumes: [{ mount: '/data', name: 'data', size_mib: d.diskMiB, persistence: 'host' }],
    });
  });

  it('a replacement over a cap is refused and the program stays on its edition', async () => {
    const { id } = await deployProgram(url, alice, { updatable: true });
    const current = (await getJson(url, `/api/v0/programs/${id}`)).body;
    const { replaces: _r, time: _t, ...content } = current.content;
    const msg = await sign(
      alice,
      buildProgramReplacement({
        sender: alice.address,
        programId: id,
        content: { ...content, resources: { ...content.resources, memory: 16384 } },
      }),
    );
    const r = await postMessage(url, msg);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'PROGRAM_RESOURCES_OVER_LIMIT');
    assert.equal(r.body.details.limit, 'memory');
    assert.equal((await getJson(url, `/api/v0/programs/${id}`)).body.edition, 0);
    // One endpoint over: the dry-run of the same candidate gives the same refusal, and changes nothing.
    const dry = await fetch(`${url}/api/v0/programs/${id}/dry-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: { ...content, resources: { ...content.resources, vcpus: 64 } } }),
    });
    const body = (await dry.json()) as { error_code: string; details: { limit: string } };
    assert.equal(dry.status, 422);
    assert.deepEqual([body.error_code, body.details.limit], ['PROGRAM_RESOURCES_OVER_LIMIT', 'vcpus']);
    assert.equal((await getJson(url, `/api/v0/programs/${id}`)).body.edition, 0);
  });

  it("an operator's own caps (createNode programLimits)", async () => {
    const tight = await start({ memoryMiB: 256, vcpus: 1, seconds: 10, diskMiB: 8 });
    await refused(tight, { memory: 512 }, 'memory', 512, 256);
    await refused(tight, { vcpus: 2 }, 'vcpus', 2, 1);
    await refused(tight, { timeoutSeconds: 30 }, 'seconds', 30, 10);
    await refused(
      tight,
      { timeoutSeconds: 10, volumes: [{ mount: '/data', name: 'data', size_mib: 9, persistence: 'host' }] },
      'disk',
      9,
      8,
    );
    await deployProgram(tight, alice, { memory: 256, vcpus: 1, timeoutSeconds: 10 });
    await assert.rejects(start({ memoryMiB: -1 }), { code: 'NODE_SETTING_INVALID' });
  });
});
