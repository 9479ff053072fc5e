import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../../client/accounts/account.js';
import { deployProgram, type DeployProgramParameters } from '../../client/actions/deployProgram.js';
import { replaceProgram } from '../../client/actions/replaceProgram.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import type { ClientConfig } from '../../client/transport/clientConfig.js';
import { startDevnet, type Devnet } from '../../devnet/startDevnet.js';

describe('compute node capacity: a program that does not fit is refused, the ones running keep serving', () => {
  let devnet: Devnet;
  let home: string;
  let config: ClientConfig;
  let n = 0;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-cap-'));
    // Room for one 128 MiB, 1 vCPU program with a 2 MiB volume, and not for a second of any kind.
    devnet = await startDevnet({
      home,
      apiPort: 0,
      computePort: 0,
      computeCapacity: { memoryMiB: 200, vcpus: 2, diskMiB: 3 },
    });
    config = { apiUrl: devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'TEST' };
  });
  after(async () => {
    await devnet?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const deploy = (p: Omit<DeployProgramParameters, 'code' | 'entrypoint'>, prelude = '') => {
    const dir = join(home, `code-${n++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), `${prelude}exports.handler = (req, res) => res.end('serving ${n}');\n`);
    return deployProgram(config, {
      code: prepareCode(dir),
      entrypoint: 'main.js:handler',
      runtime: devnet.runtimes.node,
      timeoutSeconds: 60,
      ...p,
    });
  };
  const vm = async (id: string) => {
    const r = await fetch(`${devnet.computeUrl}/vm/${id}/`);
    const text = await r.text();
    return {
      status: r.status,
      text,
      edition: r.headers.get('x-aleph-edition'),
      json: () => JSON.parse(text) as { error_code: string; details: Record<string, unknown> },
    };
  };

  it('refuses the second program on memory, vcpus and disk with 503, and starts it once there is room', async () => {
    // Its first edition takes a while to go (it ignores SIGTERM, so it is killed a second later): room comes back
    // only once that old instance is gone too, not as soon as the edition that replaced it stops.
    const first = await deploy(
      {
        memory: 128,
        vcpus: 1,
        updatable: true,
        volumes: [{ mount: '/data', name: 'data', size_mib: 2, persistence: 'host' }],
      },
      "if (!process.env.NEXT) setImmediate(() => { process.removeAllListeners('SIGTERM'); process.on('SIGTERM', () => {}); });\n",
    );
    const served = await vm(first.id);
    assert.equal(served.status, 200, served.text);

    const cases = [
      { params: { memory: 128 }, resource: 'memory', declared: 128 },
      { params: { memory: 64, vcpus: 2 }, resource: 'vcpus', declared: 2 },
      {
        params: { memory: 64, volumes: [{ mount: '/cache', ephemeral: true as const, size_mib: 2 }] },
        resource: 'disk',
        declared: 2,
      },
    ];
    const refused: string[] = [];
    for (const c of cases) {
      const p = await deploy(c.params);
      refused.push(p.id);
      const r = await vm(p.id);
      assert.equal(r.status, 503, r.text);
      const body = r.json();
      assert.equal(body.error_code, 'COMPUTE_CAPACITY_EXCEEDED');
      assert.equal(body.details.resource, c.resource);
      assert.equal(body.details.declared, c.declared);
      assert.match(String(body.details.message), /has no room for program/);
      assert.equal((await vm(first.id)).status, 200, 'the first program keeps serving');
    }

    // An upgrade of the running program counts it once (old and new instance side by side), so it fits.
    await replaceProgram(config, { hash: first.id, edit: (c) => ({ ...c, variables: { NEXT: '1' } }) });
    let r = await vm(first.id);
    for (const t0 = Date.now(); r.edition !== '1' && Date.now() - t0 < 10_000; ) {
      await new Promise((ok) => setTimeout(ok, 50));
      r = await vm(first.id);
    }
    assert.equal(r.edition, '1');

    await devnet.compute!.supervisor.stop(first.id);
    const later = await vm(refused[0]);
    assert.equal(later.status, 200, later.text);
  });
});
