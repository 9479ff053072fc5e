import { rawFetch } from '../../protocol/testing/contractedFetch.js';
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey, type LocalAlephAccount } from '../../client/accounts/account.js';
import { signMessage } from '../../client/messages/signMessage.js';
import type { SignedMessage, UnsignedMessage } from '../../client/messages/types.js';
import { buildStore } from '../../client/messages/buildStore.js';
import { buildProgram, type BuildProgramParameters } from '../../client/messages/buildProgram.js';
import { createNode, type RunningNode } from '../createNode.js';
import { ManualClock } from './manualClock.js';
import { createTestStore } from './testStore.js';
import type { NodeLimits } from '../nodeLimits.js';
import { itemHashOf, verificationBuffer, type MessageType } from '../../protocol/index.js';

export interface Harness {
  node: RunningNode;
  url: string;
  /** The writer's clock: it moves only when the test moves it (`advanceToHeight`). */
  clock: ManualClock;
  intervalMs: number;
  close(): Promise<void>;
}

/** A real node on a random 127.0.0.1 port with its own store (SQLite, or PostgreSQL: testStore) and a manual clock, for tests. */
export async function startTestNode(
  opts: { signatureWorkers?: number; limits?: Partial<NodeLimits>; clock?: ManualClock; blockIntervalMs?: number } = {},
): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'aleph-node-'));
  const clock = opts.clock ?? new ManualClock();
  const store = await createTestStore();
  const node = await createNode({
    home,
    ...(store.url ? { store: store.url } : {}),
    port: 0,
    signatureWorkers: opts.signatureWorkers ?? 0,
    clock,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.blockIntervalMs ? { blockIntervalMs: opts.blockIntervalMs } : {}),
  });
  return {
    node,
    url: node.url,
    clock,
    intervalMs: node.pipeline.blocks.intervalMs,
    async close() {
      await node.close();
      await store.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Registers `before`/`after` hooks that start a test node (startTestNode) and close it after the suite's tests; the
 * returned harness is filled in once `before` has run.
 *
 * @example
 * const h = useTestNode();
 * it('answers', async () => assert.equal((await getJson(h.url, '/api/v0/height')).status, 200));
 */
export function useTestNode(opts: Parameters<typeof startTestNode>[0] = {}): Harness {
  const h = {} as Harness;
  before(async () => {
    Object.assign(h, await startTestNode(opts));
  });
  after(async () => {
    await h.close?.();
  });
  return h;
}

export function newAccount(): LocalAlephAccount {
  return accountFromPrivateKey(generatePrivateKey());
}

export const sign = (account: LocalAlephAccount, unsigned: UnsignedMessage<object>) => signMessage(account, unsigned);

/**
 * A correctly signed inline message around an exact item_content string, which the SDK builders could not
 * produce (hostile content: deep nesting, bad hashes, odd times). `envelope` overrides envelope fields.
 */
export async function signRaw(
  account: LocalAlephAccount,
  type: MessageType,
  itemContent: string,
  envelope: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const item_hash = itemHashOf(itemContent);
  const signature = await account.signMessage({
    message: verificationBuffer({ chain: 'ETH', sender: account.address, type, item_hash }),
  });
  return {
    chain: 'ETH',
    sender: account.address,
    type,
    channel: 'TEST',
    time: Date.now() / 1000,
    item_type: 'inline',
    item_content: itemContent,
    item_hash,
    signature,
    ...envelope,
  };
}

export interface Answer {
  status: number;
  body: any;
}

/**
 * The answer as the node sent it. Every answer the tests read is checked against the API contract by the fetch
 * hook this module installs (protocol/testing/contractedFetch.ts, imported above for `rawFetch`): a JSON answer that
 * does not parse with its route's schema, or its error body with the one error schema, fails the test.
 */
async function answerOf(r: Response): Promise<Answer> {
  return { status: r.status, body: await r.json() };
}

export async function postMessage(url: string, message: unknown): Promise<Answer> {
  const r = await fetch(`${url}/api/v0/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, sync: true }),
  });
  return answerOf(r);
}

/**
 * An answer read without the contract: only for what is outside it on purpose (a row an older node wrote that
 * cannot be shown in full). Everything else goes through `getJson`.
 */
export async function getRaw(url: string, path: string): Promise<Answer> {
  return answerOf(await rawFetch(`${url}${path}`));
}

export async function getJson(url: string, path: string): Promise<Answer> {
  return answerOf(await fetch(`${url}${path}`));
}

/** Uploads bytes with their signed STORE in one multipart request, as the SDKs do. */
export async function uploadWithStore(url: string, bytes: Uint8Array, message?: SignedMessage): Promise<Answer> {
  const form = new FormData();
  if (message) form.append('metadata', JSON.stringify({ message, sync: true }));
  form.append('file', new Blob([new Uint8Array(bytes)]), 'file');
  const r = await fetch(`${url}/api/v0/storage/add_file`, { method: 'POST', body: form });
  return answerOf(r);
}

/** Stores `bytes` with a signed STORE from `account`; returns the STORE's item hash. */
export async function storeFile(
  url: string,
  account: LocalAlephAccount,
  bytes: Uint8Array,
  ref?: string,
): Promise<string> {
  const msg = await sign(account, buildStore({ sender: account.address, file: bytes, ...(ref ? { ref } : {}) }));
  const r = await uploadWithStore(url, bytes, msg);
  if (r.status !== 200) throw new Error(`store failed: ${r.status} ${JSON.stringify(r.body)}`);
  return msg.item_hash;
}

/** Deploys a program whose code and runtime are fresh STOREs of `account`; returns ids. */
export async function deployProgram(
  url: string,
  account: LocalAlephAccount,
  extra: Partial<BuildProgramParameters> = {},
): Promise<{ id: string; code: string; runtime: string }> {
  const code = await storeFile(url, account, Buffer.from(`code ${Math.random()}`));
  const runtime = extra.runtime ?? (await storeFile(url, account, Buffer.from(`runtime ${Math.random()}`)));
  const msg = await sign(
    account,
    buildProgram({ sender: account.address, codeRef: code, entrypoint: 'main:app', runtime, ...extra }),
  );
  const r = await postMessage(url, msg);
  if (r.status !== 200) throw new Error(`deploy failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: msg.item_hash, code, runtime };
}
