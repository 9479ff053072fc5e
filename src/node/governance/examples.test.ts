import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTree } from '../../client/code/zipDirectory.js';
import { newAccount, useTestNode } from '../testing/nodeHarness.js';
import { amendCode, deployCode, programState, setAggregate } from '../testing/governanceHarness.js';
import { advanceToHeight } from '../testing/manualClock.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** An example's files with its placeholders filled in, as the README tells users to do. */
function example(name: string, fill: Record<string, string>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of listTree(join(EXAMPLES, name)).filter((e) => !e.dir)) {
    let text = readFileSync(f.abs, 'utf8');
    for (const [k, v] of Object.entries(fill)) text = text.replaceAll(k, v);
    files[f.path] = text;
  }
  return files;
}

describe('the governed examples deploy and govern as their comments say', () => {
  const [admin, dao] = [newAccount(), newAccount()];
  const h = useTestNode();

  it('governed-admin: new logic in main.py is accepted; a changed non-inline function is LOGIC_CHANGED', async () => {
    const files = example('governed-admin', { ADMIN_ADDRESS: admin.address });
    const d = await deployCode(h.url, admin, files);
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const v2 = await amendCode(h.url, admin, d.code, {
      ...files,
      'main.py': files['main.py'].replace('"version": 1', '"version": 2'),
    });
    assert.equal(v2.body.program_verdicts[0].verdict, 'accepted');
    const logic = await amendCode(h.url, admin, d.code, {
      ...files,
      'lib/score.py': files['lib/score.py'].replace('x * x', 'x + x'),
    });
    assert.equal(logic.body.program_verdicts[0].error_code, 'LOGIC_CHANGED');
  });

  it('governed-dao and governed-timelock deploy', async () => {
    for (const name of ['governed-dao', 'governed-timelock']) {
      const d = await deployCode(h.url, admin, example(name, { DAO_ADDRESS: dao.address }));
      assert.equal(d.answer.status, 200, `${name}: ${JSON.stringify(d.answer.body)}`);
    }
  });

  it('governed-timelock: an upgrade takes effect 5 blocks (5 intervals of time) after it is announced', async () => {
    const files = example('governed-timelock', {});
    const d = await deployCode(h.url, admin, files);
    const up = await amendCode(h.url, admin, d.code, {
      ...files,
      'main.py': files['main.py'].replace('"version": 1', '"version": 2'),
    });
    const [v] = up.body.program_verdicts;
    assert.equal(v.verdict, 'pending');
    await advanceToHeight(h, v.effective_height - 1);
    assert.equal((await programState(h.url, d.id)).view.edition, 0);
    await advanceToHeight(h, v.effective_height);
    assert.equal((await programState(h.url, d.id)).view.edition, 1);
  });

  it("governed-dao: the DAO's vote {program_id, checksum, edition} approves exactly one upgrade", async () => {
    const files = example('governed-dao', { DAO_ADDRESS: dao.address });
    const d = await deployCode(h.url, admin, files);
    const next = { ...files, 'main.py': files['main.py'] + '\n# voted\n' };
    const probe = (await amendCode(h.url, admin, d.code, next)).body.program_verdicts[0];
    assert.equal(probe.error_code, 'CONSTRUCTOR_FAILED');
    await setAggregate(h.url, dao, 'approved_checksum', {
      true: { program_id: d.id, checksum: probe.checksum, edition: 1 },
    });
    assert.equal((await amendCode(h.url, admin, d.code, next)).body.program_verdicts[0].verdict, 'accepted');
  });
});
