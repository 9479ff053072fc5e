import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxFixture, get } from '../testing/sandboxFixture.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

describe('examples answer HTTP over the instance socket', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());

  it('hello-python (FastAPI via uvicorn --uds)', async () => {
    const { handle } = await fx.start('python', { codeDir: join(EXAMPLES, 'hello-python'), entrypoint: 'main:app' });
    await handle.ready;
    const r = await get(handle.socketPath);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { message: 'hello from python', version: 1 });
  });

  it('hello-python-v2 serves version 2', async () => {
    const { handle } = await fx.start('python', { codeDir: join(EXAMPLES, 'hello-python-v2'), entrypoint: 'main:app' });
    await handle.ready;
    assert.equal(JSON.parse((await get(handle.socketPath)).body).version, 2);
  });

  it('hello-node (exported handler)', async () => {
    const { handle } = await fx.start('node', { codeDir: join(EXAMPLES, 'hello-node'), entrypoint: 'main.js:handler' });
    await handle.ready;
    const r = await get(handle.socketPath, '/x');
    assert.deepEqual(JSON.parse(r.body), { message: 'hello from node', version: 1, path: '/x' });
  });

  it('hello-script (run.sh on $PORT, bridged to the socket) and stop() ends it', async () => {
    const { handle, logText } = await fx.start('shell', {
      codeDir: join(EXAMPLES, 'hello-script'),
      entrypoint: 'run.sh',
    });
    await handle.ready;
    assert.match((await get(handle.socketPath)).body, /hello from script/);
    assert.match(logText(), /serving \/opt\/code\/public on port 8080/);
    await handle.stop();
    assert.equal((await handle.exited).reason, 'stopped');
  });

  it('a Node module exporting an http.Server, with env vars passed in', async () => {
    const codeDir = fx.code({
      'server.mjs':
        "import http from 'node:http';\nexport default http.createServer((q, s) => s.end(process.env.GREETING));\n",
    });
    const { handle } = await fx.start('node', { codeDir, entrypoint: 'server.mjs', env: { GREETING: 'hi from env' } });
    await handle.ready;
    assert.equal((await get(handle.socketPath)).body, 'hi from env');
  });
});
