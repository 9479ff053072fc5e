import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type NodeOptions, type RunningNode } from '../createNode.js';
import { createTestStore } from './testStore.js';

/** A real node with storage limits set low, and a view of what its file store holds on disk. */
export interface StorageNode {
  node: RunningNode;
  url: string;
  home: string;
  /** Files under their hash in the store (staging excluded), and their total bytes. */
  stored(): { count: number; bytes: number };
  /** Names in the staging directory. */
  staged(): string[];
  close(): Promise<void>;
}

function walk(dir: string): Array<{ path: string; size: number }> {
  const out: Array<{ path: string; size: number }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...walk(p));
    else out.push({ path: p, size: s.size });
  }
  return out;
}

export async function startStorageNode(
  opts: Partial<NodeOptions> = {},
  home = mkdtempSync(join(tmpdir(), 'aleph-storage-')),
): Promise<StorageNode> {
  const store = await createTestStore();
  const node = await createNode({
    home,
    port: 0,
    signatureWorkers: 0,
    ...(store.url ? { store: store.url } : {}),
    ...opts,
  });
  const filesDir = join(home, 'files');
  return {
    node,
    url: node.url,
    home,
    stored() {
      const files = walk(filesDir).filter((f) => !f.path.startsWith(join(filesDir, 'tmp')));
      return { count: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
    },
    staged: () => readdirSync(join(filesDir, 'tmp')),
    async close() {
      await node.close();
      await store.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it holds or `ms` pass (then fails with `what`): events, not sleeps. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
