import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTree } from '../../client/code/zipDirectory.js';
import { newAccount, startTestNode, type Harness } from '../testing/nodeHarness.js';
import { amendCode, deployCode } from '../testing/governanceHarness.js';

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
  let h: Harness;
  const [admin, dao] = [newAccount(), newAccount()];
  before(async () => { h = await startTestNode(); });
  after(async () => { await h.close(); });

  it('governed-admin: new logic in main.py is accepted; a changed non-inline function is LOGIC_CHANGED', async () => {
    const files = example('governed-admin', { ADMIN_ADDRESS: admin.address });
    const d = await deployCode(h.url, admin, files);
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const v2 = await amendCode(h.url, admin, d.code, { ...files, 'main.py': files['main.py'].replace('"version": 1', '"version": 2') });
    assert.equal(v2.body.program_verdicts[0].verdict, 'accepted');
    const logic = await amendCode(h.url, admin, d.code, { ...files, 'lib/score.py': files['lib/score.py'].replace('x * x', 'x + x') });
    assert.equal(logic.body.program_verdicts[0].error_code, 'LOGIC_CHANGED');
  });

  it('governed-dao and governed-timelock deploy', async () => {
    for (const name of ['governed-dao', 'governed-timelock']) {
      const d = await deployCode(h.url, admin, example(name, { DAO_ADDRESS: dao.address }));
      assert.equal(d.answer.status, 200, `${name}: ${JSON.stringify(d.answer.body)}`);
    }
  });
});
