import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import {
  amendCode,
  codeZip,
  deployCode,
  governedFiles,
  replaceWith,
  setAggregate,
} from '../node/testing/governanceHarness.js';
import { newAccount } from '../node/testing/nodeHarness.js';
import { dryRunProgram } from '../client/actions/dryRunProgram.js';
import { planRollout } from '../client/actions/rollout.js';
import { uploadFile } from '../client/actions/uploadFile.js';
import { useTestDevnet } from './testing/testDevnet.js';

/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core) against a real devnet: every
 * change below is made by signed messages while the page is open, and the page must show it without a reload.
 * With ALEPH_CONSOLE_RECORD=1 its screenshots go to docs/console/ (the README shows them); otherwise to a temporary
 * directory, so a test run leaves the tree as it was. Load timings are bench/consolePaint.ts's, not a test's.
 */
const CHROMIUM = '/usr/bin/chromium';
const RECORD = process.env.ALEPH_CONSOLE_RECORD === '1';
const OUT = RECORD ? '.' : mkdtempSync(join(tmpdir(), 'aleph-console-out-'));
const SHOTS = join(OUT, 'docs/console');
const t = useTestDevnet('aleph-console-');
const me = newAccount();

let context: BrowserContext;
let page: Page;
let profile: string;

const toml = (admin: string) => `name = "greeter"
upgrade_policy = "compatible"
constructor = '@admin(address="${admin}")'

[interface.transitions.main]
inputs = ["u32"]
outputs = ["u32"]

[interface.functions.score]
inputs = ["u32"]
outputs = ["u64"]
source = "lib/score.py"
`;
const files = (admin: string, version: number, score = 'def score(x): return x * x\n') =>
  governedFiles(toml(admin), `# version ${version}\nasync def app(scope, receive, send): pass\n`, {
    'lib/score.py': score,
  });

/** A locator's text as the DOM has it. */
const text = async (l: Locator) => (await l.textContent()) ?? '';

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The page just loaded shows its first complete answer (the app's own mark). */
async function firstData(): Promise<void> {
  await page.waitForFunction(() => performance.getEntriesByName('aleph:first-data').length > 0);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), 'Debian chromium is needed (npm run setup installs it)');
  // The console under test is the one in this tree: built now, served from dist/console by the devnet's node.
  execFileSync(process.execPath, ['scripts/buildConsole.mjs'], { stdio: 'pipe' });
  mkdirSync(SHOTS, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'aleph-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    // Without the background-networking flags chromium keeps calling home, on a network that has no outside.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
});
after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (!RECORD) rmSync(OUT, { recursive: true, force: true });
});

describe('the web console against a devnet', () => {
  let program: string;
  let code: string;

  it('shows the network, then a program deployed while the list is open, without reload', async () => {
    const res = await page.goto(`${t.devnet.apiUrl}/`);
    assert.equal(res?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/console/', '/ redirects to the console');
    await firstData();
    // The inline boot script ran (the CSP allows it by its hash) and started the page's first reads.
    assert.ok(await page.evaluate(() => '__alephPrefetch' in globalThis), 'the boot script ran');
    const header = await page.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundColor);
    assert.notEqual(header, 'rgba(0, 0, 0, 0)', 'the inline stylesheet applies (the CSP allows it by its hash)');
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid=height]')?.textContent ?? ''));
    await page.getByText('● live').first().waitFor();
    // The devnet's compute node heartbeats with its core node: the fleet table lists it, live.
    await page.locator('[data-testid=compute-nodes] tr[data-live=true]').first().waitFor();
    assert.equal(await page.locator('[data-testid=compute-nodes] tbody tr').count(), 1);

    await page.getByRole('link', { name: 'Programs', exact: true }).click();
    await page.getByTestId('programs-total').waitFor();
    const marker = await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
      return 42;
    });
    const d = await deployCode(t.devnet.apiUrl, me, files(me.address, 1), { name: 'greeter' });
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    program = d.id;
    code = d.code;
    await page.locator(`[data-program="${program}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { marker: number }).marker), marker, 'no reload');
    assert.match(await text(page.locator(`[data-program="${program}"]`)), /greeter[\s\S]*compatible/);
    // The search is the node's: a word that matches nothing empties the list.
    await page.getByLabel('Search programs').fill('no-such-program-anywhere');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=programs-total]')?.textContent?.startsWith('0 '),
    );
    await page.getByLabel('Search programs').fill('greeter');
    await page.locator(`[data-program="${program}"]`).waitFor();
    await shot('programs');
  });

  it('upgrade → the timeline gains edition 1 live; a refused upgrade shows its rule', async () => {
    await page.locator(`[data-program="${program}"] a`).first().click();
    await page.locator('[data-edition="0"]').waitFor();
    assert.equal(await text(page.getByTestId('edition-in-force')), '0');
    assert.match(await text(page.getByTestId('avm')), /assert\.eq program_owner/);

    const up = await amendCode(t.devnet.apiUrl, me, code, files(me.address, 2));
    assert.equal(up.status, 200, JSON.stringify(up.body));
    await page.locator('[data-edition="1"]').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=edition-in-force]')?.textContent === '1');

    // The logic of a non-inline function can never change: the node refuses, the page shows the rule.
    const bad = await amendCode(t.devnet.apiUrl, me, code, files(me.address, 3, 'def score(x): return x\n'));
    assert.equal(bad.status, 200, 'the STORE amend itself is accepted; the program refuses to adopt it');
    const refused = page.locator('[data-refused="LOGIC_CHANGED"]');
    await refused.waitFor({ timeout: 10_000 });
    assert.match(await text(refused), /LOGIC_CHANGED[\s\S]*Rule: \S+/);

    // A replacement from someone else is a rejected message, which no stream carries: the page still shows it.
    const before = await page.locator('.tl-refused').count();
    const stranger = await replaceWith(t.devnet.apiUrl, newAccount(), program, (c) => ({
      ...c,
      metadata: { name: 'mine' },
    }));
    assert.equal(stranger.status, 422, JSON.stringify(stranger.body));
    await page.waitForFunction((n) => document.querySelectorAll('.tl-refused').length > n, before, { timeout: 10_000 });
    await shot('program');
  });

  it('the dry-run form shows the exact verdict; a malformed request shows the request error', async () => {
    await page.getByLabel("Upload a directory's zip").check();
    await page.locator('input[name=code-zip]').setInputFiles({
      name: 'v4.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(codeZip(files(me.address, 4))),
    });
    await page.getByRole('button', { name: 'Dry run' }).click();
    const verdict = page.locator('[data-outcome=verdict]');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-verdict'), 'accepted');
    assert.match(await text(verdict), /edition 2/);
    await page.locator('#dry-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'dry-run.png') });

    await page.getByLabel('A code file hash already uploaded').check();
    await page.getByLabel('Code file hash', { exact: true }).fill('not-a-hash');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const error = page.locator('[data-outcome=request-error]');
    await error.waitFor();
    assert.match(await text(error), /DRY_RUN_INVALID/);
    assert.equal(await page.locator('[data-outcome=verdict]').count(), 0, 'a request error is never a verdict');
    // The page never changed edition for a dry run.
    assert.equal(await text(page.getByTestId('edition-in-force')), '1');
  });

  it('names the compute node to call, and shows the requests and errors it counts, live', async () => {
    // The devnet's compute node listens on a random port here: the URL comes from the fleet, not a default.
    assert.equal(await text(page.getByTestId('vm-url')), `${t.devnet.computeUrl}/vm/${program}/`);
    let failed = 0;
    for (let i = 0; i < 3; i++) {
      const r = await t.vm(program, '/');
      await r.arrayBuffer();
      if (r.status >= 500) failed++;
    }
    const row = page.locator(`[data-traffic-node] >> nth=0`);
    await page.waitForFunction(
      () => document.querySelector('[data-traffic-node] td:nth-child(3)')?.textContent === '3',
      null,
      { timeout: 15_000 },
    );
    assert.equal(await page.locator('[data-traffic-node]').count(), 1, 'one compute node in the devnet');
    assert.equal(await text(row.locator('td').nth(3)), String(failed), 'failures as the caller saw them');
    assert.ok(Number(await text(page.getByTestId('traffic-rate'))) > 0);
    await page.getByTestId('traffic').scrollIntoViewIfNeeded();
    await page.getByTestId('traffic').screenshot({ path: join(SHOTS, 'traffic.png') });
  });

  it('a rollout shows its plan, its status and its events', async () => {
    // An owner of its own: the address page below counts `me`'s programs.
    const owner = newAccount();
    const toml = `name = "canary"\nconstructor = '@admin(address="${owner.address}")'\n`;
    const d = await deployCode(t.devnet.apiUrl, owner, governedFiles(toml), { name: 'canary' });
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const config = { apiUrl: t.devnet.apiUrl, account: owner };
    const v2 = governedFiles(toml, 'async def app(scope, receive, send): pass  # v2\n');
    const { hash } = await uploadFile(config, { file: codeZip(v2), store: false });
    const dry = await dryRunProgram(config, { id: d.id, candidate: { code_hash: hash } });
    assert.equal(dry.verdict, 'accepted', JSON.stringify(dry));
    await planRollout(config, {
      id: d.id,
      checksum: dry.checksum!,
      canary: 10,
      steps: [10, 50, 100],
      stepSeconds: 600,
    });
    await page.goto(`${t.devnet.apiUrl}/console/programs/${d.id}`);
    await page.locator('[data-rollout-status=planned]').waitFor();
    const up = await amendCode(t.devnet.apiUrl, owner, d.code, v2);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    // The plan binds to edition 1 live: the page shows it active at its canary share.
    const active = page.locator('[data-rollout-status=active]');
    await active.waitFor({ timeout: 10_000 });
    assert.match(await text(active), /Edition 1 — active, 10 % now/);
    assert.match(await text(active), /Canary 10 %, steps 10 → 50 → 100 % every 600 s/);
    await page.getByTestId('rollouts').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'rollout.png') });
  });

  it('a time-locked upgrade shows as pending with its countdown', async () => {
    const lockToml = 'name = "locked"\nconstructor = \'@timelock(delay=600)\'\n';
    const d = await deployCode(t.devnet.apiUrl, me, governedFiles(lockToml), { name: 'locked' });
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    await page.goto(`${t.devnet.apiUrl}/console/programs/${d.id}`);
    await firstData();
    await page.locator('[data-edition="0"]').waitFor();
    const up = await amendCode(t.devnet.apiUrl, me, d.code, governedFiles(lockToml, '# v2\n'));
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const countdown = page.getByTestId('countdown');
    await countdown.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() =>
      /in \d+ blocks/.test(document.querySelector('[data-testid=countdown]')?.textContent ?? ''),
    );
    const first = Number((await text(countdown)).match(/in (\d+) blocks/)?.[1]);
    // The page reads the height once a second, so it may be a block or two behind the announcement.
    assert.ok(first > 500 && first <= 602, `countdown ${first}`);
    // It counts down as blocks are cut.
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=countdown]')?.textContent?.match(/in (\d+) blocks/)?.[1]) < n,
      first,
      { timeout: 10_000 },
    );
    await page.locator('#pending-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'pending.png') });
  });

  it('messages and addresses have pages; unknown ids get a not-found page', async () => {
    await page.goto(`${t.devnet.apiUrl}/console/messages/${program}`);
    await page.getByTestId('message-status').waitFor();
    assert.equal(await text(page.getByTestId('message-status')), 'processed');
    assert.match(await text(page.getByTestId('verdicts')), /accepted edition 0/);
    await shot('message');

    const delegate = newAccount();
    const sec = await setAggregate(t.devnet.apiUrl, me, 'security', {
      authorizations: [{ address: delegate.address, types: ['POST'], channels: ['console'] }],
    });
    assert.equal(sec.status, 200, JSON.stringify(sec.body));
    await page.goto(`${t.devnet.apiUrl}/console/addresses/${me.address}`);
    await page.getByRole('heading', { name: /Programs \(2\)/ }).waitFor();
    assert.match(await text(page.getByTestId('authorizations')), new RegExp(delegate.address));
    assert.equal((await setAggregate(t.devnet.apiUrl, me, 'profile', { nick: 'ada-lovelace' })).status, 200);
    await page.getByText('"ada-lovelace"').waitFor({ timeout: 10_000 });
    await shot('address');

    for (const path of [
      `/console/programs/${'0'.repeat(64)}`,
      '/console/programs/nonsense',
      `/console/messages/${'f'.repeat(64)}`,
    ]) {
      const r = await page.goto(`${t.devnet.apiUrl}${path}`);
      assert.equal(r?.status(), 200, 'the app itself loads');
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
    }
    const r = await page.goto(`${t.devnet.apiUrl}/console/no/such/page`);
    assert.equal(r?.status(), 404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  it('a failed read says so with a retry, and the retry loads the page', async () => {
    let fail = true;
    await page.route('**/api/v0/programs/summaries*', (route) =>
      fail ? route.fulfill({ status: 500, body: 'boom' }) : route.continue(),
    );
    await page.goto(`${t.devnet.apiUrl}/console/programs`);
    await page.getByRole('alert').filter({ hasText: 'Could not load the programs' }).waitFor();
    assert.equal(await page.locator('table.programs').count(), 0, 'no half-loaded table');
    fail = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator(`[data-program="${program}"]`).waitFor();
    await page.unroute('**/api/v0/programs/summaries*');
  });

  it('a link followed before the app has settled opens its page (no change of route is lost)', async () => {
    // At DOMContentLoaded the app has rendered, but Preact runs effects (the router subscribing) a frame later: the
    // earliest moment a user can follow a link, and the one CI's keyboard test once hit under load.
    const early = await context.newPage();
    try {
      await early.addInitScript(() =>
        addEventListener('DOMContentLoaded', () =>
          (document.querySelector('nav a[href="/console/programs"]') as HTMLElement | null)?.click(),
        ),
      );
      await early.goto(`${t.devnet.apiUrl}/console/`);
      await early.getByTestId('programs-total').waitFor({ timeout: 10_000 });
      assert.equal(new URL(early.url()).pathname, '/console/programs');
    } finally {
      await early.close();
    }
  });

  it('is usable from the keyboard: a skip link, then the navigation', async () => {
    await page.goto(`${t.devnet.apiUrl}/console/`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Programs');
    await page.keyboard.press('Enter');
    await page.getByTestId('programs-total').waitFor();
    await page.goto(`${t.devnet.apiUrl}/console/`);
    await firstData();
    await page.getByText('● live').first().waitFor();
    // A few messages while the page is open: the rate and its chart move without a reload.
    for (let i = 0; i < 6; i++) await setAggregate(t.devnet.apiUrl, me, 'console-demo', { n: i });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=rate]')?.textContent) > 0);
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid=height]')?.textContent ?? ''));
    await shot('network');
  });
});
