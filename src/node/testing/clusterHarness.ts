import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type RunningNode } from '../createNode.js';
import { createTestStore, type TestStore } from './testStore.js';

export interface TestCluster {
  nodes: RunningNode[];
  store: TestStore;
  /** Another core node on the same store (a late joiner). */
  add(): Promise<RunningNode>;
  close(): Promise<void>;
}

/** `n` core nodes in this process on one fresh PostgreSQL database (ALEPH_TEST_PG must be set), each its own home. */
export async function startTestCluster(n: number): Promise<TestCluster> {
  const store = await createTestStore();
  if (!store.url) throw new Error('startTestCluster needs ALEPH_TEST_PG (a PostgreSQL server URL)');
  const homes: string[] = [];
  const nodes: RunningNode[] = [];
  const add = async () => {
    const home = mkdtempSync(join(tmpdir(), 'aleph-core-'));
    homes.push(home);
    const node = await createNode({ home, port: 0, store: store.url!, signatureWorkers: 0 });
    nodes.push(node);
    return node;
  };
  for (let i = 0; i < n; i++) await add();
  return {
    nodes,
    store,
    add,
    async close() {
      for (const node of nodes) await node.close();
      await store.drop();
      for (const h of homes) rmSync(h, { recursive: true, force: true });
    },
  };
}
