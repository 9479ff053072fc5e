import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../client/accounts/account.js';
import { uploadFile } from '../client/actions/uploadFile.js';
import { createNode, type RunningNode } from '../node/createNode.js';
import type { Clock } from '../node/pipeline/blockClock.js';
import { createComputeNode, type ComputeNode } from '../compute/server/createComputeNode.js';
import { computeAccount } from '../compute/supervisor/servingReports.js';
import { defaultRuntimes, type RuntimeFile } from './defaultRuntimes.js';
import type { ProgramLimits } from '../node/pipeline/programLimits.js';
import type { ComputeCapacity } from '../compute/supervisor/capacity.js';

export interface DevnetOptions {
  /** $ALEPH_HOME; default ./.aleph */
  home?: string;
  apiPort?: number;
  /** The core node's store of record (postgres://… or a SQLite path); default: embedded SQLite under the home. */
  store?: string;
  /** Default 4020 (0 when apiPort is 0, as in tests); 0 picks a free port; null starts no compute node. */
  computePort?: number | null;
  host?: string;
  runtimes?: RuntimeFile[];
  /** The core node's clock and block interval (see NodeOptions); tests move the clock by hand. */
  clock?: Clock;
  blockIntervalMs?: number;
  /** The most one PROGRAM may declare (memory, vcpus, seconds, disk); defaults in node/pipeline/programLimits.ts. */
  programLimits?: Partial<ProgramLimits>;
  /** What all programs together may declare on the compute node; defaults to the host's sizes. */
  computeCapacity?: Partial<ComputeCapacity>;
  /** More compute nodes that may join the fleet (`aleph compute` processes), beside the devnet's own. */
  computeAllow?: string[];
  /** The built console the core node serves (default: the package's dist/console); benches compare two builds. */
  consoleDir?: string;
}

export interface Devnet {
  /** The resolved home directory. */
  home: string;
  apiUrl: string;
  computeUrl: string | null;
  node: RunningNode;
  compute: ComputeNode | null;
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
 * and, at first start, the default runtimes (python, node, shell squashfs roots) published as STOREs with the
 * seed's default ref aliased to the Python one; then the compute node, which follows that core node.
 */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const home = resolve(opts.home ?? process.env.ALEPH_HOME ?? '.aleph');
  mkdirSync(home, { recursive: true });
  const node = await createNode({
    home: join(home, 'node'),
    host: opts.host ?? '127.0.0.1',
    port: opts.apiPort ?? 4024,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.programLimits ? { programLimits: opts.programLimits } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.blockIntervalMs ? { blockIntervalMs: opts.blockIntervalMs } : {}),
    ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
    // The devnet's compute node reports what it serves; its key lives under its home.
    trustedComputeAddresses: [
      ...(opts.computePort === null ? [] : [computeAccount(join(home, 'compute')).address]),
      ...(opts.computeAllow ?? []),
    ],
  });
  let compute: ComputeNode | null = null;
  try {
    const account = devnetAccount(home);
    const runtimes: Record<string, string> = {};
    for (const rt of opts.runtimes ?? defaultRuntimes()) {
      const known = await node.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', `devnet.runtime.${rt.name}`)
        .executeTakeFirst();
      let hash = known?.value;
      if (!hash) {
        const up = await uploadFile(
          { apiUrl: node.url, account },
          { file: await readFile(await rt.file()), store: { channel: 'ALEPH-DEVNET' } },
        );
        hash = up.message!.item_hash;
        await node.db
          .insertInto('meta')
          .values({ key: `devnet.runtime.${rt.name}`, value: hash })
          .execute();
      }
      for (const alias of rt.aliases) {
        await node.db
          .insertInto('ref_aliases')
          .values({ alias, target: hash })
          .onConflict((oc) => oc.column('alias').doUpdateSet({ target: hash }))
          .execute();
      }
      runtimes[rt.name] = hash;
    }
    const aliases: Record<string, string> = {};
    for (const rt of opts.runtimes ?? defaultRuntimes()) for (const a of rt.aliases) aliases[a] = runtimes[rt.name];
    // Unpacked runtimes live under the compute node's own home (a runtime is untrusted: never shared between devnets).
    compute =
      opts.computePort === null
        ? null
        : await createComputeNode({
            apiUrl: node.url,
            home: join(home, 'compute'),
            host: opts.host ?? '127.0.0.1',
            port: opts.computePort ?? (opts.apiPort === 0 ? 0 : 4020),
            runtimeAliases: aliases,
            ...(opts.computeCapacity ? { capacity: opts.computeCapacity } : {}),
          });
    const c = compute;
    return {
      home,
      apiUrl: node.url,
      computeUrl: c?.url ?? null,
      node,
      compute: c,
      runtimes,
      close: async () => {
        await c?.close();
        await node.close();
      },
    };
  } catch (e) {
    await compute?.close();
    await node.close();
    throw e;
  }
}
