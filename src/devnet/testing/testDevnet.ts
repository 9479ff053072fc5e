import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../../client/accounts/account.js';
import type { ClientConfig } from '../../client/transport/clientConfig.js';
import { startDevnet, type Devnet, type DevnetOptions } from '../startDevnet.js';

/** A devnet for one test file: a fresh home, a funded-by-nobody random account, real core and compute nodes. */
export interface TestDevnet {
  devnet: Devnet;
  home: string;
  config: ClientConfig;
  /** A fresh code directory under the home holding `files` (name → content). */
  codeDir(files: Record<string, string>): string;
  /** GET (or `init`) `/vm/{ref}{path}` on the compute node. */
  vm(ref: string, path?: string, init?: RequestInit): Promise<Response>;
  /** Closes the devnet and starts it again on the same home (the nodes' state kept, new ports). */
  restart(): Promise<void>;
}

/**
 * Registers `before`/`after` hooks that start a devnet (apiPort 0, computePort 0) in a temporary home and remove
 * it after the file's tests; the returned object is filled in once `before` has run.
 *
 * @example
 * const t = useTestDevnet('aleph-serving-');
 * it('…', async () => { const p = await deployProgram(t.config, { code: prepareCode(t.codeDir({ 'main.js': src })), … }); });
 */
export function useTestDevnet(
  prefix: string,
  opts: Omit<DevnetOptions, 'home' | 'apiPort' | 'computePort'> = {},
): TestDevnet {
  let n = 0;
  const t = {
    codeDir(files: Record<string, string>): string {
      const dir = join(t.home, `code-${n++}`);
      mkdirSync(dir);
      for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
      return dir;
    },
    vm: (ref: string, path = '/', init?: RequestInit) => fetch(`${t.devnet.computeUrl}/vm/${ref}${path}`, init),
    async restart(): Promise<void> {
      await t.devnet.close();
      t.devnet = await startDevnet({ ...opts, home: t.home, apiPort: 0, computePort: 0 });
      t.config = { ...t.config, apiUrl: t.devnet.apiUrl };
    },
  } as TestDevnet;
  before(async () => {
    t.home = mkdtempSync(join(tmpdir(), prefix));
    t.devnet = await startDevnet({ ...opts, home: t.home, apiPort: 0, computePort: 0 });
    t.config = { apiUrl: t.devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'TEST' };
  });
  after(async () => {
    await t.devnet?.close();
    if (t.home) rmSync(t.home, { recursive: true, force: true });
  });
  return t;
}
