import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPost } from '../client/messages/buildPost.js';
import { getJson, newAccount, postMessage, sign } from './testing/nodeHarness.js';

const script = fileURLToPath(new URL('./testing/nodeProcess.ts', import.meta.url));

function startNodeProcess(home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, home, '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, url: line.trim() });
    });
    child.on('exit', (code) => reject(new Error(`node process exited early (${code})`)));
  });
}

describe('durability', () => {
  it('a message acknowledged with 200 survives kill -9 of the node', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-crash-'));
    const alice = newAccount();
    const first = await startNodeProcess(home);
    const acked: string[] = [];
    const msgs = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        sign(alice, buildPost({ sender: alice.address, type: 'crash', content: { i } })),
      ),
    );
    for (const m of msgs.slice(0, 30)) {
      const r = await postMessage(first.url, m);
      assert.equal(r.status, 200);
      acked.push(m.item_hash);
    }
    // Then keep publishing while the process is killed: whatever was acknowledged must be there after.
    const exited = new Promise((r) => first.child.once('exit', r));
    const inflight = msgs.slice(30).map(async (m) => {
      try {
        const r = await postMessage(first.url, m);
        if (r.status === 200) acked.push(m.item_hash);
      } catch {
        /* refused by the kill */
      }
    });
    setTimeout(() => first.child.kill('SIGKILL'), 15);
    await Promise.all(inflight);
    await exited;
    const second = await startNodeProcess(home);
    try {
      for (const hash of acked) {
        const s = await getJson(second.url, `/api/v0/messages/${hash}`);
        assert.equal(s.body.status, 'processed', `acknowledged ${hash} lost after kill -9`);
      }
    } finally {
      second.child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
