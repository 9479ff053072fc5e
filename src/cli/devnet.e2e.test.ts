import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/aleph.js', import.meta.url));

test('aleph devnet keeps its data in ./.aleph by default and answers on the printed API URL', async () => {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'aleph-devnet-cwd-')));
  const env = { ...process.env, ALEPH_FROM_SOURCE: '1', ALEPH_HOME: undefined, HOME: cwd };
  const child = spawn(process.execPath, [BIN, 'devnet', '--api-port', '0', '--compute-port', '0'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`devnet did not start: ${text}`)), 90_000);
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('Press Ctrl-C')) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`devnet exited ${code}: ${text}`));
      });
    });
    assert.ok(out.includes(`home ${join(cwd, '.aleph')}`), out);
    const api = /API:\s+(\S+)/.exec(out)![1];
    // Heights count block intervals, not messages: count the runtime STOREs themselves.
    const stores = (await (await fetch(`${api}/api/v0/messages.json?msgType=STORE&channels=ALEPH-DEVNET`)).json()) as {
      messages: unknown[];
    };
    assert.ok(stores.messages.length >= 3, 'the default runtimes were published');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(cwd, { recursive: true, force: true });
  }
});
