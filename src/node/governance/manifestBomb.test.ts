import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildProgram } from '../../client/messages/buildProgram.js';
import { amendFile, deployCode, governedFiles } from '../testing/governanceHarness.js';
import {
  getJson,
  newAccount,
  postMessage,
  sign,
  startTestNode,
  storeFile,
  type Harness,
} from '../testing/nodeHarness.js';
import { zipWithBomb } from '../../protocol/testing/zipArchives.js';
import { MANIFEST_MAX_BYTES } from './readManifest.js';

const alice = newAccount();
const admin = (address: string, extra = '') =>
  `upgrade_policy = "compatible"\nconstructor = '@admin(address="${address}")'\n${extra}`;
const MAIN = { 'main.py': 'async def app(scope, receive, send): pass\n' };

/** GETs an unrelated read one after another until `work` settles (bounded), returning latencies in ms. */
async function probeDuring(url: string, work: Promise<unknown>, max = 1000): Promise<number[]> {
  let done = false;
  void work.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  const lat: number[] = [];
  while (!done && lat.length < max) {
    const t0 = performance.now();
    const r = await fetch(`${url}/api/v0/messages.json?pagination=5`);
    await r.arrayBuffer();
    assert.equal(r.status, 200);
    lat.push(performance.now() - t0);
  }
  return lat;
}
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

/** Stores `code` and signs a PROGRAM using it (uploads are not what is measured). */
async function programOf(h: Harness, code: Uint8Array, encoding: 'zip' | 'squashfs' = 'zip') {
  const ref = await storeFile(h.url, alice, code);
  const runtime = await storeFile(h.url, alice, Buffer.from(`runtime ${Math.random()}`));
  return sign(
    alice,
    buildProgram({ sender: alice.address, codeRef: ref, entrypoint: 'main:app', runtime, updatable: true, encoding }),
  );
}
const deployBytes = async (h: Harness, code: Uint8Array, encoding: 'zip' | 'squashfs' = 'zip') =>
  postMessage(h.url, await programOf(h, code, encoding));

async function dryRun(
  h: Harness,
  id: string,
  body: unknown,
): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const r = await fetch(`${h.url}/api/v0/programs/${id}/dry-run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json(), retryAfter: r.headers.get('retry-after') };
}

async function upload(h: Harness, bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), 'file');
  return (
    (await (await fetch(`${h.url}/api/v0/storage/add_file`, { method: 'POST', body: form })).json()) as { hash: string }
  ).hash;
}

function assertTooLarge(body: any, path: string): void {
  assert.equal(body.error_code, 'MANIFEST_TOO_LARGE', JSON.stringify(body));
  assert.equal(body.details.path, path);
  assert.match(body.details.message, /larger than \d+ bytes/);
}

describe('program.toml is read with a byte cap, before and outside the ordered writer', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'aleph-manifest-'));
  before(async () => {
    h = await startTestNode();
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a PROGRAM whose program.toml inflates 1 MB -> 1 GiB with a clear 422, while reads keep a low p99', async () => {
    // Five different bombs (five code files: nothing is answered from a cache).
    const bombs = Array.from({ length: 5 }, (_, i) =>
      zipWithBomb('program.toml', 1024, { 'main.py': `# ${i}\n${MAIN['main.py']}` }),
    );
    assert.ok(bombs[0].length < 1_200_000);
    const msgs = [];
    for (const b of bombs) msgs.push(await programOf(h, b));
    const baseline = await probeDuring(h.url, new Promise(() => {}), 20);
    const t0 = performance.now();
    const work = Promise.all(msgs.map((m) => postMessage(h.url, m)));
    const lat = await probeDuring(h.url, work);
    const answers = await work;
    const took = performance.now() - t0;
    for (const a of answers) {
      assert.equal(a.status, 422);
      assertTooLarge(a.body, 'program.toml');
    }
    console.log(
      `# 5 bomb PROGRAMs refused in ${took.toFixed(0)} ms; probe ${lat.length} GETs, p99 ${lat.length ? p99(lat).toFixed(1) : '-'} ms (idle p99 ${p99(baseline).toFixed(1)} ms)`,
    );
    // Goal 50 ms; asserted looser for a loaded shared machine, still far from the seconds-long freeze of an unbounded inflate.
    if (lat.length >= 5) assert.ok(p99(lat) < 500, `p99 ${p99(lat).toFixed(1)} ms`);
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200, 'the node still answers');
  });

  it('refuses the siblings: a stored (not deflated) oversize program.toml, an interface source bomb, a squashfs bomb', async () => {
    const big = `# ${'x'.repeat(MANIFEST_MAX_BYTES)}\n${admin(alice.address)}`;
    const stored = await deployCode(h.url, alice, { 'program.toml': big, ...MAIN });
    assert.equal(stored.answer.status, 422);
    assertTooLarge(stored.answer.body, 'program.toml');

    const toml = admin(
      alice.address,
      '[interface.functions.score]\ninputs = ["u32"]\noutputs = ["u64"]\nsource = "lib/score.py"\n',
    );
    const source = await deployBytes(h, zipWithBomb('lib/score.py', 1024, { 'program.toml': toml, ...MAIN }));
    assert.equal(source.status, 422);
    assertTooLarge(source.body, 'lib/score.py');

    const src = join(dir, 'sq');
    execFileSync('mkdir', ['-p', src]);
    writeFileSync(join(src, 'main.py'), MAIN['main.py']);
    execFileSync('truncate', ['-s', '256M', join(src, 'program.toml')]);
    const img = join(dir, 'bomb.squashfs');
    execFileSync('mksquashfs', [src, img, '-noappend', '-quiet', '-no-progress']);
    const sq = await deployBytes(h, readFileSync(img), 'squashfs');
    assert.equal(sq.status, 422);
    assertTooLarge(sq.body, 'program.toml');
  });

  it('a STORE amend carrying a bomb is refused for the program, which stays on its edition', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)));
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const r = await amendFile(h.url, alice, d.code, zipWithBomb('program.toml', 1024, MAIN));
    const verdict = r.body.program_verdicts?.[0];
    assert.ok(r.status === 422 || verdict, JSON.stringify(r.body));
    assert.equal(verdict?.error_code ?? r.body.error_code, 'MANIFEST_TOO_LARGE', JSON.stringify(r.body));
    assert.equal((await getJson(h.url, `/api/v0/programs/${d.id}`)).body.edition, 0);
  });

  it('dry-run of a bomb is refused clearly, six at once leave reads fast, and dry-runs are rate-limited per client', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)));
    const bombHash = await upload(h, zipWithBomb('program.toml', 1024, MAIN));
    const t0 = performance.now();
    const work = Promise.all(Array.from({ length: 6 }, () => dryRun(h, d.id, { code_hash: bombHash })));
    const lat = await probeDuring(h.url, work);
    const answers = await work;
    console.log(
      `# 6 bomb dry-runs answered in ${(performance.now() - t0).toFixed(0)} ms; probe ${lat.length} GETs, p99 ${lat.length ? p99(lat).toFixed(1) : '-'} ms`,
    );
    for (const a of answers) {
      assert.equal(a.status, 422);
      assertTooLarge(a.body, 'program.toml');
    }
    if (lat.length >= 5) assert.ok(p99(lat) < 500, `p99 ${p99(lat).toFixed(1)} ms`);
    // The other form of candidate: a full PROGRAM content whose code is the bomb.
    const current = (await getJson(h.url, `/api/v0/programs/${d.id}`)).body.content as Record<string, any>;
    const bombStore = await storeFile(
      h.url,
      alice,
      zipWithBomb('program.toml', 1024, { 'main.py': '# content form\n' }),
    );
    const byContent = await dryRun(h, d.id, {
      content: { ...current, replaces: undefined, time: undefined, code: { ...current.code, ref: bombStore } },
    });
    assert.equal(byContent.status, 422, JSON.stringify(byContent.body));
    assertTooLarge(byContent.body, 'program.toml');
    // The burst is 10 per client: the 7 above and these 10 cannot all pass.
    const more = await Promise.all(Array.from({ length: 10 }, () => dryRun(h, d.id, { code_hash: bombHash })));
    const limited = more.filter((a) => a.status === 429);
    assert.ok(limited.length >= 3, `${limited.length} of 10 limited`);
    assert.equal(limited[0].body.error_code, 'DRY_RUN_RATE_LIMITED');
    assert.ok(Number(limited[0].body.details.retry_after_s) >= 1);
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200, 'reads are not limited');
  });
});
