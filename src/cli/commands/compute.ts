import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { AlephError } from '../../errors.js';
import { apiUrlOf, type CommonOptions } from '../context.js';
import { port, positiveInt } from '../optionParsers.js';

// Types only: the compute node (sandbox, supervisor) is loaded when the command runs, not at every CLI start.
type ComputeModule = typeof import('../../compute/server/createComputeNode.js');
type KeyModule = typeof import('../../compute/supervisor/servingReports.js');

interface ComputeOptions {
  home?: string;
  host: string;
  port: number;
  name?: string;
  publicUrl?: string;
  printAddress?: boolean;
  programUids?: number;
  poolSize?: number;
}

async function load<T>(path: string): Promise<T> {
  try {
    return (await import(path)) as T;
  } catch (cause) {
    throw new AlephError('DEVNET_UNAVAILABLE', 'the compute node could not be loaded', {
      hint: 'run `npm ci` in the aleph-ts checkout',
      cause,
    });
  }
}

/**
 * `aleph compute`: one compute node alone, following the core node at --api-url, until Ctrl-C (DESIGN §8). Its key
 * (compute.key under --home) names it in the fleet: the core node's operator puts that address on the allow-list.
 */
export function computeCommand(): Command {
  return new Command('compute')
    .description('Start a compute node that follows the core node at --api-url and joins its fleet')
    .option(
      '--home <dir>',
      'Where the compute node keeps its key, code, volumes and logs [default: $ALEPH_HOME/compute or ./.aleph/compute]',
    )
    .option('--host <host>', 'Address to listen on [default: 127.0.0.1]', '127.0.0.1')
    .option('--port <port>', 'Port to listen on [default: 4020]', port('--port'), 4020)
    .option('--name <name>', 'Its name in the fleet, for people [default: none]')
    .option('--public-url <url>', 'Where the other compute nodes reach it [default: http://<host>:<port>]')
    .option(
      '--program-uids <base>',
      'First of the 65,536 host uids given to programs; two compute nodes on one host need ranges apart [default: 200000]',
      positiveInt('--program-uids'),
    )
    .option(
      '--pool-size <n>',
      'Idle pre-started sandboxes kept per runtime (and internet on/off) for first requests; 0 disables [default: 1]',
      (v: string) => (v === '0' ? 0 : positiveInt('--pool-size')(v)),
    )
    .option('--print-address', 'Print its address (making its key if needed) and exit')
    .action(async (opts: ComputeOptions, cmd: Command) => {
      const home = resolve(opts.home ?? join(process.env.ALEPH_HOME ?? '.aleph', 'compute'));
      if (opts.printAddress) {
        const { computeAccount } = await load<KeyModule>('../../compute/supervisor/servingReports.js');
        process.stdout.write(`${computeAccount(home).address}\n`);
        return;
      }
      const apiUrl = apiUrlOf(cmd.optsWithGlobals() as CommonOptions);
      const { createComputeNode } = await load<ComputeModule>('../../compute/server/createComputeNode.js');
      const node = await createComputeNode({
        apiUrl,
        home,
        host: opts.host,
        port: opts.port,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.programUids ? { programUids: { base: opts.programUids, count: 65_536 } } : {}),
        ...(opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {}),
        ...(opts.publicUrl ? { publicUrl: opts.publicUrl.replace(/\/+$/, '') } : {}),
      });
      process.stdout.write(
        `Compute node running (home ${home})\n  URL:     ${node.url}\n  Address: ${node.address}\n  Core:    ${apiUrl}\nPress Ctrl-C to stop.\n`,
      );
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      process.stderr.write('Stopping compute node…\n');
      // Bounded: a stop must not hang on a sandbox that will not die (a second signal ends it at once too).
      const force = () => process.exit(1);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      const timer = setTimeout(() => {
        process.stderr.write('the compute node did not stop within 15 s: exiting\n');
        force();
      }, 15_000);
      timer.unref();
      await node.close();
      clearTimeout(timer);
    });
}
