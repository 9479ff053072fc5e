import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../client/accounts/account.js';
import { uploadFile } from '../client/actions/uploadFile.js';
import { createNode, type RunningNode } from '../node/createNode.js';
import { descriptorRuntime, type RuntimeFile } from './defaultRuntimes.js';

export interface DevnetOptions {
  /** $ALEPH_HOME; default ./.aleph */
  home?: string;
  apiPort?: number;
  computePort?: number;
  host?: string;
  runtimes?: RuntimeFile[];
}

export interface Devnet {
  apiUrl: string;
  computeUrl: string | null;
  node: RunningNode;
  /** STORE item hash of each default runtime, by name. */
  runtimes: Record<string, string>;
  close(): Promise<void>;
}

/** The devnet's own key: it signs the default runtime STOREs, once, at first start. */
function devnetAccount(home: string) {
  const path = join(home, 'devnet.key');
  if (!existsSync(path)) writeFileSync(path, generatePrivateKey() + '\n', { mode: 0o600 });
  return accountFromPrivateKey(readFileSync(path, 'utf8').trim());
}

/**
 * Starts a local network in one process: the core node (embedded SQLite and file store under `home`)
 * and, at first start, the default runtimes published as STOREs with the seed's default ref aliased to them.
 */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const home = resolve(opts.home ?? process.env.ALEPH_HOME ?? '.aleph');
  mkdirSync(home, { recursive: true });
  const node = await createNode({ home: join(home, 'node'), host: opts.host ?? '127.0.0.1', port: opts.apiPort ?? 4024 });
  try {
    const account = devnetAccount(home);
    const runtimes: Record<string, string> = {};
    for (const rt of opts.runtimes ?? [descriptorRuntime()]) {
      const known = await node.db.selectFrom('meta').select('value').where('key', '=', `devnet.runtime.${rt.name}`).executeTakeFirst();
      let hash = known?.value;
      if (!hash) {
        const up = await uploadFile({ apiUrl: node.url, account }, { file: rt.bytes, store: { channel: 'ALEPH-DEVNET' } });
        hash = up.message!.item_hash;
        await node.db.insertInto('meta').values({ key: `devnet.runtime.${rt.name}`, value: hash }).execute();
      }
      for (const alias of rt.aliases) {
        await node.db.insertInto('ref_aliases').values({ alias, target: hash }).onConflict((oc) => oc.column('alias').doUpdateSet({ target: hash })).execute();
      }
      runtimes[rt.name] = hash;
    }
    return { apiUrl: node.url, computeUrl: null, node, runtimes, close: () => node.close() };
  } catch (e) {
    await node.close();
    throw e;
  }
}
