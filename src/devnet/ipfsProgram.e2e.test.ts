import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';
import { buildProgram } from '../client/messages/buildProgram.js';
import { ipfsAddFileAnswerSchema, ipfsAddJsonAnswerSchema } from '../protocol/api/ipfsSchemas.js';
import { verificationBuffer } from '../protocol/index.js';
import { newAccount, postMessage, sign, signRaw } from '../node/testing/nodeHarness.js';
import { startDevnet, type Devnet } from './startDevnet.js';

/*
 * aleph-client's `program create` for code over 4 MiB (its IPFS threshold): `create_store(storage_engine=ipfs)`,
 * i.e. the zip to /api/v0/ipfs/add_file, then an inline STORE `{item_type: "ipfs", item_hash: <CID>}`, then the
 * PROGRAM with that STORE as its code. The compute node runs it like any other.
 */
describe('a program whose code is on IPFS runs on the devnet', () => {
  let devnet: Devnet;
  let home: string;
  const alice = newAccount();
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-ipfs-vm-'));
    devnet = await startDevnet({ home, apiPort: 0, computePort: 0 });
  });
  after(async () => {
    await devnet?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const addFile = async (bytes: Uint8Array) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), 'file');
    const r = await fetch(`${devnet.apiUrl}/api/v0/ipfs/add_file`, { method: 'POST', body: form });
    assert.equal(r.status, 200);
    return ipfsAddFileAnswerSchema.parse(await r.json()).hash;
  };
  const storeContent = (cid: string) =>
    JSON.stringify({ address: alice.address, item_type: 'ipfs', item_hash: cid, time: Date.now() / 1000 });
  const code = (greeting: string, padding = 0) =>
    zipSync(
      {
        'main.js': strToU8(`exports.handler = (req, res) => res.end(${JSON.stringify(greeting)});\n`),
        // Incompressible, so the archive is over aleph-client's 4 MiB IPFS threshold.
        ...(padding ? { 'padding.bin': [randomBytes(padding), { level: 0 }] } : {}),
      },
      { mtime: new Date('2020-01-01T00:00:00Z') },
    );
  const deploy = async (codeRef: string) => {
    const msg = await sign(
      alice,
      buildProgram({ sender: alice.address, codeRef, entrypoint: 'main.js:handler', runtime: devnet.runtimes.node! }),
    );
    const r = await postMessage(devnet.apiUrl, msg);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return msg.item_hash;
  };
  const vm = async (id: string) => {
    const r = await fetch(`${devnet.computeUrl}/vm/${id}/`);
    return { status: r.status, text: await r.text() };
  };

  it('code over 4 MiB: ipfs/add_file, an ipfs STORE, the PROGRAM; /vm/{id} answers from it', async () => {
    const zip = code('served from IPFS', 4 * 1024 * 1024 + 100_000);
    assert.ok(zip.length > 4 * 1024 * 1024);
    const cid = await addFile(zip);
    const store = await signRaw(alice, 'STORE', storeContent(cid));
    assert.equal((await postMessage(devnet.apiUrl, store)).status, 200);
    const id = await deploy(store.item_hash as string);
    const r = await vm(id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, 'served from IPFS');
  });

  it('the STORE itself stored on IPFS (item_type ipfs): the program names its code by a CID', async () => {
    const cid = await addFile(code('code named by a CID'));
    // The STORE message's content goes to add_json; the message is named by that content's CID.
    const content = storeContent(cid);
    const r = await fetch(`${devnet.apiUrl}/api/v0/ipfs/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: content,
    });
    const storeCid = ipfsAddJsonAnswerSchema.parse(await r.json()).hash;
    const signature = await alice.signMessage({
      message: verificationBuffer({ chain: 'ETH', sender: alice.address, type: 'STORE', item_hash: storeCid }),
    });
    const store = {
      chain: 'ETH',
      sender: alice.address,
      type: 'STORE',
      channel: 'TEST',
      time: Date.now() / 1000,
      item_type: 'ipfs',
      item_hash: storeCid,
      signature,
    };
    const s = await postMessage(devnet.apiUrl, store);
    assert.equal(s.status, 200, JSON.stringify(s.body));
    const id = await deploy(storeCid);
    const got = await vm(id);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.text, 'code named by a CID');
  });

  it('the PROGRAM itself stored on IPFS: its id is a CID, and /vm/{CID} serves it', async () => {
    const cid = await addFile(code('a program named by a CID'));
    const store = await signRaw(alice, 'STORE', storeContent(cid));
    assert.equal((await postMessage(devnet.apiUrl, store)).status, 200);
    const unsigned = buildProgram({
      sender: alice.address,
      codeRef: store.item_hash as string,
      entrypoint: 'main.js:handler',
      runtime: devnet.runtimes.node!,
    });
    const r = await fetch(`${devnet.apiUrl}/api/v0/ipfs/add_json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(unsigned.content),
    });
    const programCid = ipfsAddJsonAnswerSchema.parse(await r.json()).hash;
    const signature = await alice.signMessage({
      message: verificationBuffer({ chain: 'ETH', sender: alice.address, type: 'PROGRAM', item_hash: programCid }),
    });
    const program = {
      chain: 'ETH',
      sender: alice.address,
      type: 'PROGRAM',
      channel: 'TEST',
      time: unsigned.content.time,
      item_type: 'ipfs',
      item_hash: programCid,
      signature,
    };
    const p = await postMessage(devnet.apiUrl, program);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    const view = await fetch(`${devnet.apiUrl}/api/v0/programs/${programCid}`);
    assert.equal(view.status, 200, await view.clone().text());
    const got = await vm(programCid);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.text, 'a program named by a CID');
  });
});
