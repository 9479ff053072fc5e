import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevnet, type Devnet } from '../devnet/startDevnet.js';
import { SEED_DEFAULT_RUNTIME } from '../devnet/defaultRuntimes.js';
import { generatePrivateKey } from 'viem/accounts';
import WebSocket from 'ws';
import { accountFromPrivateKey, type AlephAccount } from '../client/accounts/account.js';
import { defaultKeyFilePath, loadAccount } from '../client/accounts/keyFile.js';
import { signedOperatorHeaders } from '../client/actions/programLogs.js';
import { runCli, type RunCliResult } from './testing/runCli.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
let devnet: Devnet;
let home: string;

const cli = (args: string[]): Promise<RunCliResult> =>
  runCli(args, { home, apiUrl: devnet.apiUrl, env: { ALEPH_COMPUTE_URL: devnet.computeUrl! } });

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'aleph-cli-compute-'));
  devnet = await startDevnet({ home: join(home, 'devnet'), apiPort: 0 });
  assert.equal((await runCli(['account', 'create'], { home })).code, 0);
});

after(async () => {
  await devnet.close();
  rmSync(home, { recursive: true, force: true });
});

test('runtime-checker reports the distribution and interpreters of the stock runtime', async () => {
  const r = await cli(['program', 'runtime-checker', SEED_DEFAULT_RUNTIME]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /distribution:\s+\S+/);
  assert.match(r.stdout, /python:\s+3\.\d+/);
  assert.match(r.stdout, /uvicorn:\s+\d/);
});

test('logs show what the program printed, with its edition', async () => {
  const created = await cli([
    'program',
    'create',
    join(EXAMPLES, 'hello-python'),
    'main:app',
    '--skip-volume',
    '--skip-env-var',
    '--json',
  ]);
  assert.equal(created.code, 0, created.stderr);
  const id = (JSON.parse(created.stdout) as { id: string }).id;
  const res = await fetch(`${devnet.computeUrl}/vm/${id}/`);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { version: number }).version, 1);
  const logs = await cli(['program', 'logs', id]);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /\[edition 0\].*GET \/ HTTP/);

  // aleph-vm's records (views/operator.py operate_logs_json), to the owner only.
  const records = JSON.parse((await cli(['program', 'logs', id, '--json'])).stdout) as Record<string, unknown>[];
  assert.ok(records.length > 0);
  for (const r of records) {
    for (const k of ['SYSLOG_IDENTIFIER', 'MESSAGE', 'file', '__REALTIME_TIMESTAMP']) assert.ok(k in r, k);
    assert.equal(r.SYSLOG_IDENTIFIER, `vm-${id}-${String(r.file)}`);
  }
  const anonymous = await fetch(`${devnet.computeUrl}/control/machine/${id}/logs`);
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { error_code: string }).error_code, 'OPERATOR_AUTH_MISSING');
  const stranger = await runCli(['program', 'logs', id, '--private-key', generatePrivateKey()], {
    home,
    apiUrl: devnet.apiUrl,
    env: { ALEPH_COMPUTE_URL: devnet.computeUrl! },
  });
  assert.equal(stranger.code, 1);
  assert.match(stranger.stdout + stranger.stderr, /OPERATOR_NOT_OWNER/);

  // The stream_logs websocket as aleph-sdk-python's VmClient.get_logs opens it: auth in the first frame.
  const streamed = async (account: AlephAccount, until: (frames: Record<string, unknown>[]) => boolean) => {
    const path = `/control/machine/${id}/stream_logs`;
    const h = await signedOperatorHeaders(account, { domain: '127.0.0.1', method: 'GET', path });
    const ws = new WebSocket(`${devnet.computeUrl!.replace('http', 'ws')}${path}`);
    const frames: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () =>
        ws.send(
          JSON.stringify({
            auth: {
              'X-SignedPubKey': JSON.parse(h['X-SignedPubKey']),
              'X-SignedOperation': JSON.parse(h['X-SignedOperation']),
            },
          }),
        ),
      );
      ws.on('message', (d) => {
        frames.push(JSON.parse(d.toString()));
        if (until(frames)) resolve();
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    ws.close();
    return frames;
  };
  const owner = loadAccount({ path: defaultKeyFilePath(home) });
  const mine = await streamed(owner, (f) =>
    f.some((x) => typeof x.message === 'string' && /GET \/ HTTP/.test(x.message)),
  );
  assert.deepEqual(mine[0], { status: 'connected' });
  assert.ok(
    mine.some((x) => x.type === 'stdout' || x.type === 'stderr'),
    JSON.stringify(mine.slice(0, 3)),
  );
  assert.ok(mine.slice(1).every((x) => ['stdout', 'stderr', 'system'].includes(String(x.type))));
  const theirs = await streamed(accountFromPrivateKey(generatePrivateKey()), () => false);
  assert.equal(theirs[0].status, 'failed');
  assert.match(String(theirs[0].reason), /OPERATOR_NOT_OWNER/);
});
