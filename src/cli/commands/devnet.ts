import { Command } from 'commander';
import { AlephError } from '../../errors.js';
import { addressList, port, positiveInt, positiveNumber } from '../optionParsers.js';

// Type only: the devnet (node, compute node, SQLite) is loaded when the command runs, not at every CLI start.
type StartDevnet = typeof import('../../devnet/startDevnet.js').startDevnet;

interface LimitOptions {
  maxProgramMemory?: number;
  maxProgramVcpus?: number;
  maxProgramSeconds?: number;
  maxProgramDisk?: number;
  computeMemory?: number;
  computeVcpus?: number;
  computeDisk?: number;
}

/** Only what was given: unset limits keep their defaults. */
function limitSettings(o: LimitOptions) {
  const pick = <T extends Record<string, number | undefined>>(x: T) =>
    Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: number };
  const programLimits = pick({
    memoryMiB: o.maxProgramMemory,
    vcpus: o.maxProgramVcpus,
    seconds: o.maxProgramSeconds,
    diskMiB: o.maxProgramDisk,
  });
  const computeCapacity = pick({ memoryMiB: o.computeMemory, vcpus: o.computeVcpus, diskMiB: o.computeDisk });
  return { programLimits, computeCapacity };
}

/** `aleph devnet`: node + compute node in one process, until Ctrl-C. */
export function devnetCommand(): Command {
  return new Command('devnet')
    .description('Start a local network (node API + compute node) and keep it running until Ctrl-C')
    .option('--home <dir>', 'Where the devnet keeps its data [default: $ALEPH_HOME or ./.aleph]')
    .option('--api-port <port>', 'Port of the node API [default: 4024]', port('--api-port'), 4024)
    .option('--compute-port <port>', 'Port of the compute node [default: 4020]', port('--compute-port'), 4020)
    .option(
      '--store <url>',
      'Store of record: postgres://user:pass@host:port/db or a SQLite path [default: $ALEPH_STORE_URL or embedded SQLite]',
    )
    .option(
      '--max-program-memory <MiB>',
      'Most memory one program may declare [default: 2048]',
      positiveNumber('--max-program-memory'),
    )
    .option(
      '--max-program-vcpus <n>',
      'Most vCPUs one program may declare [default: 4]',
      positiveNumber('--max-program-vcpus'),
    )
    .option(
      '--max-program-seconds <s>',
      'Most resources.seconds one program may declare [default: 300]',
      positiveNumber('--max-program-seconds'),
    )
    .option(
      '--max-program-disk <MiB>',
      'Most volume size_mib (summed) one program may declare [default: 4096]',
      positiveNumber('--max-program-disk'),
    )
    .option(
      '--compute-memory <MiB>',
      'Memory all running programs may declare together [default: host memory - 1024, or 3/4 of it under 4 GiB]',
      positiveNumber('--compute-memory'),
    )
    .option(
      '--compute-vcpus <n>',
      'vCPUs all running programs may declare together [default: 16 per core]',
      positiveNumber('--compute-vcpus'),
    )
    .option(
      '--compute-disk <MiB>',
      'Volume MiB all running programs may declare together [default: free space of the home]',
      positiveNumber('--compute-disk'),
    )
    .option(
      '--block-interval <ms>',
      "A block every this many ms (block.height; @timelock delays count blocks), fixed at the network's first start [default: 1000]",
      positiveInt('--block-interval'),
    )
    .option(
      '--compute-allow <addresses>',
      'More compute nodes (comma-separated addresses) that may join its fleet [default: $ALEPH_COMPUTE_ALLOW]',
      addressList('--compute-allow'),
    )
    .option('--no-compute', 'Start the core node alone (compute nodes join with `aleph compute`)')
    .action(
      async (
        opts: {
          home?: string;
          store?: string;
          apiPort: number;
          computePort: number;
          blockInterval?: number;
          computeAllow?: string[];
          compute: boolean;
        } & LimitOptions,
      ) => {
        // Resolved at run time so the rest of the CLI works even where the devnet cannot load.
        const modulePath = '../../devnet/startDevnet.js';
        let startDevnet: StartDevnet;
        try {
          ({ startDevnet } = (await import(modulePath)) as { startDevnet: StartDevnet });
        } catch (cause) {
          throw new AlephError('DEVNET_UNAVAILABLE', 'the devnet could not be loaded', {
            hint: 'run `npm ci` in the aleph-ts checkout',
            cause,
          });
        }
        const store = opts.store ?? (process.env.ALEPH_STORE_URL || undefined);
        const net = await startDevnet({
          ...(opts.home ? { home: opts.home } : {}),
          apiPort: opts.apiPort,
          computePort: opts.compute ? opts.computePort : null,
          computeAllow: opts.computeAllow ?? addressList('ALEPH_COMPUTE_ALLOW')(process.env.ALEPH_COMPUTE_ALLOW ?? ''),
          ...(store ? { store } : {}),
          ...limitSettings(opts),
          ...(opts.blockInterval ? { blockIntervalMs: opts.blockInterval } : {}),
        });
        process.stdout.write(
          `Devnet running (home ${net.home})\n  API:     ${net.apiUrl}\n  Compute: ${net.computeUrl ?? 'not started'}\n`,
        );
        for (const [name, ref] of Object.entries(net.runtimes ?? {}))
          process.stdout.write(`  Runtime ${name.padEnd(7)} ${ref}\n`);
        process.stdout.write('Press Ctrl-C to stop.\n');
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        process.stderr.write('Stopping devnet…\n');
        await net.close();
      },
    );
}
