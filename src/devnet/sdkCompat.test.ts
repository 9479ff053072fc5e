import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { AuthenticatedAlephHttpClient } from '@aleph-sdk/client';
import { importAccountFromPrivateKey } from '@aleph-sdk/ethereum';
import { generatePrivateKey } from 'viem/accounts';
import { itemHashOf } from '../protocol/index.js';
import { startDevnet, type Devnet } from './startDevnet.js';

// Proof that this is the real wire format: aleph's own npm SDK publishes to the devnet and reads back.
describe('the real @aleph-sdk/client against a devnet', () => {
  let devnet: Devnet;
  let home: string;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-sdk-'));
    devnet = await startDevnet({ home, apiPort: 0 });
  });
  after(async () => {
    await devnet.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('publishes STORE, PROGRAM, AGGREGATE and FORGET, all accepted with the same item hashes', async () => {
    const account = importAccountFromPrivateKey(generatePrivateKey().slice(2));
    const client = new AuthenticatedAlephHttpClient(account, devnet.apiUrl);

    const bytes = Buffer.from('a file stored through the aleph SDK');
    const store = await client.createStore({
      fileObject: bytes,
      storageEngine: 'storage' as never,
      channel: 'TEST',
      sync: true,
    });
    assert.equal((store.content as { item_hash: string }).item_hash, itemHashOf(bytes));
    const storeBack = await client.getMessage(store.item_hash);
    assert.equal(storeBack.item_hash, store.item_hash);
    assert.equal(itemHashOf(storeBack.item_content!), store.item_hash);
    assert.deepEqual(Buffer.from(await client.downloadFile(itemHashOf(bytes))), bytes);

    // A Blob, not a Buffer: the SDK appends the file object to FormData as-is, and Node sends a Buffer as text.
    const code = zipSync({ 'main.py': strToU8('async def app(scope, receive, send):\n    pass\n') });
    const program = await client.createProgram({
      file: new Blob([code]),
      entrypoint: 'main:app',
      storageEngine: 'storage' as never,
      channel: 'TEST',
    } as never);
    const programBack = await client.getMessage(program.item_hash);
    assert.equal(programBack.type, 'PROGRAM');
    assert.equal(itemHashOf(programBack.item_content!), program.item_hash);
    const view = (await (await fetch(`${devnet.apiUrl}/api/v0/programs/${program.item_hash}`)).json()) as {
      edition: number;
      resolved: Array<{ kind: string; ref: string }>;
    };
    assert.equal(view.edition, 0);
    assert.equal(view.resolved.find((r) => r.kind === 'runtime')!.ref, devnet.runtimes.python);

    const agg = await client.createAggregate({
      key: 'settings',
      content: { theme: 'dark' },
      channel: 'TEST',
      sync: true,
    } as never);
    assert.equal(itemHashOf((await client.getMessage(agg.item_hash)).item_content!), agg.item_hash);
    assert.deepEqual(await client.fetchAggregate(account.address, 'settings'), { theme: 'dark' });

    const forget = await client.forget({
      hashes: [store.item_hash],
      reason: 'sdk test',
      channel: 'TEST',
      sync: true,
    } as never);
    const forgetBack = await client.getMessage(forget.item_hash);
    assert.equal(forgetBack.item_hash, forget.item_hash);
    const status = (await (await fetch(`${devnet.apiUrl}/api/v0/messages/${store.item_hash}`)).json()) as {
      status: string;
      forgotten_by: string[];
    };
    assert.equal(status.status, 'forgotten');
    assert.deepEqual(status.forgotten_by, [forget.item_hash]);
  });
});
