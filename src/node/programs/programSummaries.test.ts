import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildForget } from '../../client/messages/buildForget.js';
import { programSummaryPageSchema } from '../../protocol/index.js';
import { deployCode, governedFiles } from '../testing/governanceHarness.js';
import {
  deployProgram,
  getJson,
  newAccount,
  postMessage,
  sign,
  startTestNode,
  type Harness,
} from '../testing/nodeHarness.js';

const me = newAccount();
const other = newAccount();
let h: Harness;
const ids: Record<string, string> = {};

const page = async (query: string) => {
  const r = await getJson(h.url, `/api/v0/programs/summaries${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // The contract's schema, as the console parses it.
  return programSummaryPageSchema.parse(r.body);
};

before(async () => {
  h = await startTestNode();
  ids.alpha = (await deployProgram(h.url, me, { name: 'alpha-one', persistent: true })).id;
  ids.beta = (await deployProgram(h.url, me, { name: 'beta' })).id;
  ids.percent = (await deployProgram(h.url, me, { name: 'odd 100%_name' })).id;
  const gov = await deployCode(h.url, me, governedFiles(`name = "vote"\nconstructor = '@noupgrade'\n`));
  assert.equal(gov.answer.status, 200, JSON.stringify(gov.answer.body));
  ids.governed = gov.id;
  ids.theirs = (await deployProgram(h.url, other, { name: 'theirs' })).id;
  ids.gone = (await deployProgram(h.url, me, { name: 'gone' })).id;
  const forget = await sign(me, buildForget({ sender: me.address, hashes: [ids.gone], reason: 'test' }));
  assert.equal((await postMessage(h.url, forget)).status, 200);
});
after(() => h.close());

describe('GET /api/v0/programs/summaries', () => {
  it('lists live programs newest first with name, policy, persistence and the edition in force', async () => {
    const p = await page('');
    assert.equal(p.pagination_total, 5);
    assert.equal(p.pagination_per_page, 50);
    assert.deepEqual(
      p.programs.map((s) => s.id),
      [ids.theirs, ids.governed, ids.percent, ids.beta, ids.alpha],
    );
    const alpha = p.programs.find((s) => s.id === ids.alpha)!;
    assert.equal(alpha.name, 'alpha-one');
    assert.equal(alpha.persistent, true);
    assert.equal(alpha.governed, false);
    assert.equal(alpha.upgrade_policy, null);
    assert.equal(alpha.edition, 0);
    assert.match(alpha.checksum ?? '', /^[0-9a-f]{64}$/);
    assert.equal(typeof alpha.updated_time, 'number');
    const governed = p.programs.find((s) => s.id === ids.governed)!;
    assert.equal(governed.governed, true);
    assert.equal(governed.upgrade_policy, 'compatible');
    assert.equal(governed.name, 'vote', 'the manifest name when the content has none');
  });

  it('searches names, id prefixes and owners on the server, with % and _ taken literally', async () => {
    assert.deepEqual(
      (await page('?search=ALPHA')).programs.map((s) => s.id),
      [ids.alpha],
    );
    assert.deepEqual(
      (await page(`?search=${ids.beta.slice(0, 10)}`)).programs.map((s) => s.id),
      [ids.beta],
    );
    assert.deepEqual(
      (await page(`?search=${other.address.slice(2, 14).toLowerCase()}`)).programs.map((s) => s.id),
      [ids.theirs],
    );
    assert.deepEqual(
      (await page(`?search=${encodeURIComponent('100%_')}`)).programs.map((s) => s.id),
      [ids.percent],
    );
    const none = await page(`?search=${encodeURIComponent('%')}x${encodeURIComponent('_')}`);
    assert.equal(none.pagination_total, 0);
  });

  it('pages and filters by owner, counting every match', async () => {
    const second = await page('?pagination=2&page=2');
    assert.equal(second.pagination_total, 5);
    assert.deepEqual(
      second.programs.map((s) => s.id),
      [ids.percent, ids.beta],
    );
    const theirs = await page(`?owners=${other.address.toLowerCase()}`);
    assert.deepEqual(
      theirs.programs.map((s) => s.id),
      [ids.theirs],
    );
  });

  it('refuses a search past 100 characters or a repeated one, naming the field', async () => {
    for (const q of [`?search=${'a'.repeat(101)}`, '?search=a&search=b']) {
      const r = await getJson(h.url, `/api/v0/programs/summaries${q}`);
      assert.equal(r.status, 422);
      assert.equal(r.body.error_code, 'REQUEST_QUERY_INVALID');
      assert.match(r.body.details.message, /search/);
    }
    // And the node still answers.
    assert.equal((await page('')).pagination_total, 5);
  });
});
