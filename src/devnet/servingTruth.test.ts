/**
 * Serving truth (issue 7), end to end through a devnet: an accepted edition whose code exits at start
 * leaves the previous edition serving, and the program's view, its history and `aleph program show` say so
 * from the compute node's signed report.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployProgram } from '../client/actions/deployProgram.js';
import { updateProgramCode } from '../client/actions/updateProgramCode.js';
import { prepareCode } from '../client/code/prepareCode.js';
import { runCli } from '../cli/testing/runCli.js';
import { useTestDevnet } from './testing/testDevnet.js';

describe('serving truth through a devnet', () => {
  const t = useTestDevnet('aleph-devnet-serving-');

  const dir = (mainJs: string) => t.codeDir({ 'main.js': mainJs });
  const vm = (id: string) => fetch(`${t.devnet.computeUrl}/vm/${id}/`);
  const view = async (id: string) =>
    (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}`)).json()) as { edition: number; serving: any };
  /** Polls the program's view until `ok` holds (the compute node reports asynchronously). */
  async function waitForServing(id: string, ok: (s: any) => boolean) {
    const deadline = Date.now() + 30_000;
    let v = await view(id);
    while (!(v.serving && ok(v.serving)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      v = await view(id);
    }
    assert.ok(v.serving && ok(v.serving), JSON.stringify(v.serving));
    return v;
  }

  it('an edition that exits at start is reported; the previous one keeps serving', async () => {
    const p = await deployProgram(t.config, {
      code: prepareCode(dir("exports.handler = (req, res) => res.end('v1');\n")),
      entrypoint: 'main.js:handler',
      runtime: t.devnet.runtimes.node,
      updatable: true,
      timeoutSeconds: 120,
    });
    const first = await vm(p.id);
    assert.equal(await first.text(), 'v1');

    await updateProgramCode(t.config, { hash: p.id, path: dir("console.error('cannot start');\nprocess.exit(3);\n") });
    const v = await waitForServing(p.id, (s) => s.failed_edition === 1);
    assert.equal(v.edition, 1, 'the node accepted edition 1');
    assert.equal(v.serving.edition, 0);
    assert.equal(v.serving.reported_by, t.devnet.compute!.address);
    assert.match(v.serving.summary, /^serving: edition 0; edition 1 failed to start: .*exited with code 3/);
    const still = await vm(p.id);
    assert.equal(still.status, 200);
    assert.equal(still.headers.get('x-aleph-edition'), '0');
    assert.equal(await still.text(), 'v1');

    const history = (await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${p.id}/history`)).json()) as {
      serving_reports: any[];
    };
    assert.equal(history.serving_reports.at(-1).failed_edition, 1);
    const show = await runCli(['program', 'show', p.id], { apiUrl: t.devnet.apiUrl });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Serving:\s+edition 0; edition 1 failed to start: .*exited with code 3/m);
    const hist = await runCli(['program', 'history', p.id], { apiUrl: t.devnet.apiUrl });
    assert.match(hist.stdout, /Serving reports:[\s\S]*edition 1 failed to start/);

    // A working edition takes over and the report says so.
    await updateProgramCode(t.config, { hash: p.id, path: dir("exports.handler = (req, res) => res.end('v3');\n") });
    await waitForServing(p.id, (s) => s.edition === 2 && s.failed_edition === null);
    assert.equal(await (await vm(p.id)).text(), 'v3');
    assert.match(
      (await runCli(['program', 'show', p.id], { apiUrl: t.devnet.apiUrl })).stdout,
      /^Serving:\s+edition 2$/m,
    );
  });

  it('a first edition that never starts is reported as serving nothing, until an edition starts', async () => {
    const p = await deployProgram(t.config, {
      code: prepareCode(dir("console.error('broken from the start');\nprocess.exit(4);\n")),
      entrypoint: 'main.js:handler',
      runtime: t.devnet.runtimes.node,
      updatable: true,
      timeoutSeconds: 120,
    });
    const res = await vm(p.id);
    assert.ok(res.status >= 500, `HTTP ${res.status}`);
    await res.arrayBuffer();
    const v = await waitForServing(p.id, (s) => s.failed_edition === 0);
    assert.equal(v.serving.edition, null);
    assert.equal(v.serving.reported_by, t.devnet.compute!.address);
    assert.match(v.serving.summary, /^serving: none; edition 0 failed to start: .*exited with code 4/);
    const show = await runCli(['program', 'show', p.id], { apiUrl: t.devnet.apiUrl });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Serving:\s+none; edition 0 failed to start: .*exited with code 4/m);
    // A second failing request does not report again: one report per failed edition.
    await (await vm(p.id)).arrayBuffer();
    const history = async () =>
      ((await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${p.id}/history`)).json()) as { serving_reports: any[] })
        .serving_reports;
    assert.equal((await history()).length, 1);

    await updateProgramCode(t.config, { hash: p.id, path: dir("exports.handler = (req, res) => res.end('fixed');\n") });
    const deadline = Date.now() + 30_000;
    let text = '';
    while (text !== 'fixed' && Date.now() < deadline) {
      const r = await vm(p.id);
      text = await r.text();
      if (text !== 'fixed') await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.equal(text, 'fixed');
    await waitForServing(p.id, (s) => s.edition === 1 && s.failed_edition === null);
    assert.match(
      (await runCli(['program', 'show', p.id], { apiUrl: t.devnet.apiUrl })).stdout,
      /^Serving:\s+edition 1$/m,
    );
  });
});
