import { Command } from 'commander';
import { AlephError } from '../../errors.js';
import { addressList, port } from '../optionParsers.js';

// Type only: the core node (store drivers, HTTP server) is loaded when the command runs, not at every CLI start.
type CreateNode = typeof import('../../node/createNode.js').createNode;

/** `aleph node`: one core node alone (no compute node), on SQLite or on a PostgreSQL shared with other core nodes. */
export function nodeCommand(): Command {
  return new Command('node')
    .description('Start a core node alone (API, pipeline, store) and keep it running until Ctrl-C or SIGTERM')
    .option(
      '--home <dir>',
      'Where the node keeps its files (and its SQLite store) [default: $ALEPH_HOME or ./.aleph/node]',
    )
    .option(
      '--store <url>',
      'Store of record: postgres://user:pass@host:port/db (shared by core nodes) or a SQLite path [default: $ALEPH_STORE_URL or HOME/node.sqlite]',
    )
    .option('--api-port <port>', 'Port of the node API [default: 4024]', port('--api-port'), 4024)
    .option('--host <host>', 'Address to listen on [default: 127.0.0.1]', '127.0.0.1')
    .option(
      '--compute-allow <addresses>',
      'Compute nodes (their keys, comma-separated) that may register, heartbeat and report [default: $ALEPH_COMPUTE_ALLOW]',
      addressList('--compute-allow'),
    )
    .action(async (opts: { home?: string; store?: string; apiPort: number; host: string; computeAllow?: string[] }) => {
      const modulePath = '../../node/createNode.js';
      let createNode: CreateNode;
      try {
        ({ createNode } = (await import(modulePath)) as { createNode: CreateNode });
      } catch (cause) {
        throw new AlephError('DEVNET_UNAVAILABLE', 'the core node could not be loaded', {
          hint: 'run `npm ci` in the aleph-ts checkout',
          cause,
        });
      }
      const { resolve, join } = await import('node:path');
      const home = resolve(
        opts.home ?? (process.env.ALEPH_HOME ? join(process.env.ALEPH_HOME, 'node') : '.aleph/node'),
      );
      const store = opts.store ?? (process.env.ALEPH_STORE_URL || undefined);
      const node = await createNode({
        home,
        host: opts.host,
        port: opts.apiPort,
        signatureWorkers: 1,
        ...(store ? { store } : {}),
        // Every core node of one network is given the same list: it is the fleet's allow-list.
        trustedComputeAddresses:
          opts.computeAllow ?? addressList('ALEPH_COMPUTE_ALLOW')(process.env.ALEPH_COMPUTE_ALLOW ?? ''),
      });
      process.stdout.write(`Core node running (home ${home})\n  API: ${node.url}\n`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      process.stderr.write('Stopping core node…\n');
      await node.close();
    });
}
