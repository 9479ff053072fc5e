import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getProgramLogs } from '../../client/actions/programLogs.js';
import { deployProgram } from '../../client/actions/deployProgram.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import { useTestDevnet } from '../../devnet/testing/testDevnet.js';

// Through the compute node: first requests taken by pooled sandboxes, bad programs answered as on the cold path.
describe('pooled first requests through the compute node', () => {
  const t = useTestDevnet('aleph-pool-');
  const deploy = async (files: Record<string, string>) =>
    (
      await deployProgram(t.config, {
        code: prepareCode(t.codeDir(files)),
        entrypoint: 'main.js:handler',
        runtime: t.devnet.runtimes.node,
      })
    ).id;
  const systemLog = async (id: string) =>
    (await getProgramLogs(t.config.account!, { computeUrl: t.devnet.computeUrl!, id }))
      .filter((l) => l.file === 'system')
      .map((l) => l.MESSAGE);

  it('a pooled sandbox takes the first request; one that fails at import is a 502 and the pool serves the next', async () => {
    const sup = t.devnet.compute!.supervisor;
    const first = await deploy({ 'main.js': "exports.handler = (req, res) => res.end('first');\n" });
    // The very first Node program starts cold and fills the pool behind it.
    assert.equal(await (await t.vm(first)).text(), 'first');
    await sup.pool!.settled();
    const bad = await deploy({ 'main.js': 'throw new Error("broken at import");\n' });
    const r = await t.vm(bad);
    assert.equal(r.status, 502);
    assert.match(await r.text(), /exited with code 1/);
    const lines = await systemLog(bad);
    assert.match(lines[0] ?? '', /^starting main\.js:handler \(memory \d+ MiB, .*\), pooled$/, lines.join('\n'));
    assert.ok(lines.includes('exited with code 1'), lines.join('\n'));
    await sup.pool!.settled();
    const next = await deploy({ 'main.js': "exports.handler = (req, res) => res.end('next ' + process.env.PWD);\n" });
    const ok = await t.vm(next);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'next /opt/code');
    assert.match((await systemLog(next))[0] ?? '', /, pooled$/);
  });
});
