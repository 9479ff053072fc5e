import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkRuntime } from './checkRuntime.js';
import { cachedRuntime } from './runtimeCache.js';
import { packRuntime } from './packRuntime.js';
import { unpackRuntime } from './unpackRuntime.js';
import { RUNTIME_INFO_PATH } from './runtimeEtc.js';
import type { RuntimeInfo } from './types.js';

const declared = (root: string) => JSON.parse(readFileSync(join(root, RUNTIME_INFO_PATH), 'utf8')) as RuntimeInfo;

describe('default runtimes built from the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-rt-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('python: the probe inside the sandbox agrees with /etc/aleph-runtime.json', async () => {
    const root = await cachedRuntime('python');
    const info = await checkRuntime(root);
    const d = declared(root);
    assert.equal(info.python, d.python);
    assert.match(info.python!, /^3\.\d+\.\d+$/);
    assert.equal(info.packages.uvicorn, d.packages.uvicorn);
    assert.ok(info.packages.fastapi, 'fastapi importable inside the sandbox');
    assert.equal(info.distribution, d.distribution);
    assert.equal(info.node, null);
  });

  it('node: carries the node binary the host runs', async () => {
    const info = await checkRuntime(await cachedRuntime('node'));
    assert.equal(info.node, process.version);
    assert.equal(info.python, null);
    assert.equal(info.shell, false);
  });

  it('shell: /bin/sh plus python3 for http.server and the port bridge, packed to squashfs and back', async () => {
    const root = await cachedRuntime('shell');
    const file = join(dir, 'shell.squashfs');
    await packRuntime(root, file);
    const unpacked = await unpackRuntime(file, join(dir, 'cache'));
    assert.match(unpacked, /[0-9a-f]{64}$/);
    assert.equal(await unpackRuntime(file, join(dir, 'cache')), unpacked, 'second unpack hits the cache');
    const info = await checkRuntime(unpacked);
    assert.equal(info.shell, true);
    assert.equal(info.python, declared(root).python);
    assert.deepEqual(info.packages, {});
    assert.ok(existsSync(join(unpacked, 'usr/bin/sh')));
  });
});
