import { type Command, Option } from 'commander';
import {
  DEFAULT_CHANNEL,
  DEFAULT_RUNTIME_ID,
  manifestPolicyOf,
  parseEnvVars,
  parseVolumeOptions,
  prepareCode,
} from '../../../client/index.js';
import {
  clientOf,
  computeUrlOf,
  isVerbose,
  withDebug,
  withKeyOptions,
  withVerbose,
  type CommonOptions,
} from '../../context.js';
import { printJson, uploadProgress } from '../../output.js';
import { isInteractive } from '../../prompt.js';
import { positiveInt, positiveNumber } from '../../optionParsers.js';
import { promptEnvVars, promptSubscriptions, promptVolumes } from './promptProgramInputs.js';

interface CreateOptions extends CommonOptions {
  name?: string;
  runtime: string;
  computeUnits?: number;
  vcpus?: number;
  memory?: number;
  timeoutSeconds: number;
  internet?: boolean;
  updatable?: boolean;
  beta?: boolean;
  persistent?: boolean;
  skipVolume?: boolean;
  persistentVolume: string[];
  ephemeralVolume: string[];
  immutableVolume: string[];
  skipEnvVar?: boolean;
  envVars?: string;
  address?: string;
  paymentChain?: string;
  printMessages?: boolean;
  printCodeMessage?: boolean;
  printProgramMessage?: boolean;
  pinCode?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** `aleph program create|upload PATH ENTRYPOINT` with every option of the seed reference. */
export function registerCreate(program: Command): void {
  const cmd = program
    .command('create')
    .alias('upload')
    .description('Deploy a new serverless function (create and upload are aliases)')
    .argument('<PATH>', 'Path to your source code. Can be a directory, a .squashfs file or a .zip archive')
    .argument(
      '<ENTRYPOINT>',
      'Your program entrypoint. Example: main:app for Python programs, else run.sh for a script containing your launch command',
    )
    .option('--name <name>', 'Name for your program')
    .option(
      '--runtime <hash>',
      `Hash of the runtime to use for your program. You can also create your own runtime and pin it. [default: ${DEFAULT_RUNTIME_ID}] (Use aleph program runtime-checker to inspect it)`,
      DEFAULT_RUNTIME_ID,
    )
    .option(
      '--compute-units <n>',
      'Number of compute units to allocate. Compute units correspond to a tier that includes vcpus, memory, disk and gpu presets. Accepted for compatibility: this network has no pricing tiers yet, so it has no effect (use --vcpus and --memory)',
      positiveInt('--compute-units'),
    )
    .option('--vcpus <n>', 'Number of virtual CPUs to allocate [default: 1]', positiveInt('--vcpus'))
    .option('--memory <mib>', 'Maximum memory (RAM) in MiB to allocate [default: 128]', positiveInt('--memory'))
    .option(
      '--timeout-seconds <seconds>',
      'If vm is not called after [timeout_seconds] it will shutdown [default: 30.0]',
      positiveNumber('--timeout-seconds', 'seconds'),
      30,
    )
    .option(
      '--internet',
      'Enable internet access for your program. By default, internet access is disabled [default: no-internet]',
    )
    .option('--no-internet', 'Disable internet access')
    .option(
      '--updatable',
      'Allow program updates. By default, only the source code can be modified without requiring redeployement (same item hash). When enabled (set to True), this option allows to update any other field through a replacing PROGRAM; on this network the program keeps its id and URL [default: no-updatable]',
    )
    .option('--no-updatable', 'Forbid replacing the program')
    .option(
      '--beta',
      'If true, you will be prompted to add message subscriptions to your program (recorded in on.message; the compute node does not trigger on messages yet) [default: no-beta]',
    )
    .option('--no-beta', 'Do not prompt for message subscriptions')
    .option(
      '--persistent',
      'Create your program as persistent. By default, programs are ephemeral (serverless): they only start when called and then shutdown after the defined timeout delay. [default: no-persistent]',
    )
    .option('--no-persistent', 'Create an ephemeral program')
    .option('--skip-volume', 'Skip prompt to attach more volumes [default: no-skip-volume]')
    .option('--no-skip-volume', 'Prompt to attach more volumes (on a terminal)')
    .option(
      '--persistent-volume <spec>',
      'Persistent volumes are allocated on the host machine and are not deleted when the VM is stopped. Requires at least name, mount path, and size_mib. To add multiple, reuse the same argument. Example: --persistent-volume name=data,mount=/opt/data,size_mib=1000',
      collect,
      [],
    )
    .option(
      '--ephemeral-volume <spec>',
      'Ephemeral volumes are allocated on the host machine when the VM is started and deleted when the VM is stopped. Requires at least mount path and size_mib. To add multiple, reuse the same argument. Example: --ephemeral-volume mount=/opt/tmp,size_mib=100',
      collect,
      [],
    )
    .option(
      '--immutable-volume <spec>',
      'Immutable volumes are pinned on the network and can be used by multiple VMs at the same time. They are read-only and useful for setting up libraries or other dependencies. Requires at least mount path and ref (volume message hash). use_latest is True by default, to use the latest version of the volume, if it has been amended. To add multiple, reuse the same argument. Example: --immutable-volume mount=/opt/packages,ref=25a3...8d94',
      collect,
      [],
    )
    .option('--skip-env-var', 'Skip prompt to set environment variables [default: no-skip-env-var]')
    .option('--no-skip-env-var', 'Prompt to set environment variables (on a terminal)')
    .option(
      '--env-vars <vars>',
      "Environment variables to pass. They will be public and visible in the message, so don't include secrets. Must be a comma separated list. Example: KEY=value or KEY=value,KEY=value",
    )
    .option(
      '--address <address>',
      'Address of the payer. In order to delegate the payment, your account must be authorized beforehand to publish on the behalf of this address (security aggregate). The program is owned by this address',
    )
    .addOption(
      new Option(
        '--payment-chain <chain>',
        'Chain you want to use to pay for your program can be [AVAX, BASE, ETH, SOL]. Recorded in the message as a hold payment; this network takes no payment yet',
      ).choices(['AVAX', 'BASE', 'ETH', 'SOL']),
    )
    .option(
      '--channel <channel>',
      `Aleph.im network channel where the message is or will be broadcasted [default: ${DEFAULT_CHANNEL}]`,
      DEFAULT_CHANNEL,
    );
  withKeyOptions(cmd, null)
    .option('--print-messages', 'Print the messages after creation [default: no-print-messages]')
    .option('--no-print-messages', 'Do not print the messages')
    .option('--print-code-message', 'Print the code message after creation [default: no-print-code-message]')
    .option('--no-print-code-message', 'Do not print the code message')
    .option('--print-program-message', 'Print the program message after creation [default: no-print-program-message]')
    .option('--no-print-program-message', 'Do not print the program message')
    .option(
      '--pin-code',
      'Pin the code, the runtime and immutable volumes (use_latest: false): no STORE amend can change this program [default: pinned when program.toml says upgrade_policy = "immutable"]',
    )
    .option(
      '--no-pin-code',
      'Follow the latest amend of the code, runtime and volumes (use_latest: true); refused for an immutable program',
    )
    .option('--json', 'Print the result as JSON (id, url, code reference)');
  withDebug(withVerbose(cmd, true));
  cmd.action(async (path: string, entrypoint: string, opts: CreateOptions, command: Command) => {
    const client = clientOf(command, true);
    const verbose = isVerbose(opts, true) && !opts.json;
    const code = prepareCode(path); // fail on a bad path before asking anything
    // An immutable program may not follow anything that can move (DESIGN §4 dependency rule): pin it all.
    const policy = manifestPolicyOf(code, path);
    const pin = opts.pinCode ?? policy === 'immutable';
    let volumes = parseVolumeOptions({
      immutable: opts.immutableVolume,
      ephemeral: opts.ephemeralVolume,
      persistent: opts.persistentVolume,
    });
    let variables = opts.envVars ? parseEnvVars(opts.envVars) : undefined;
    let subscriptions: Record<string, unknown>[] | undefined;
    if (isInteractive()) {
      if (!opts.skipVolume && volumes.length === 0) volumes = await promptVolumes();
      if (!opts.skipEnvVar && !variables) variables = await promptEnvVars();
      if (opts.beta) subscriptions = await promptSubscriptions();
    }
    if (verbose && opts.computeUnits !== undefined)
      process.stderr.write(
        'Note: --compute-units has no effect on this network; resources come from --vcpus and --memory.\n',
      );
    const progress = uploadProgress(code.bytes.length, 'Uploading code');
    if (pin) volumes = volumes.map((v) => ('ref' in v ? { ...v, use_latest: false } : v));
    const r = await client.deployProgram({
      code,
      codeUseLatest: !pin,
      runtimeUseLatest: !pin,
      entrypoint,
      name: opts.name,
      runtime: opts.runtime,
      vcpus: opts.vcpus,
      memory: opts.memory,
      timeoutSeconds: opts.timeoutSeconds,
      internet: opts.internet ?? false,
      updatable: opts.updatable ?? false,
      persistent: opts.persistent ?? false,
      volumes,
      variables,
      subscriptions,
      address: opts.address,
      channel: opts.channel,
      ...(opts.paymentChain ? { payment: { chain: opts.paymentChain, type: 'hold' as const } } : {}),
      onProgress: progress.onProgress,
    });
    progress.done();
    const url = `${computeUrlOf()}/vm/${r.id}`;
    if (opts.printMessages || opts.printCodeMessage) printJson(r.code);
    if (opts.printMessages || opts.printProgramMessage) printJson(r.program);
    if (opts.json)
      return printJson({
        id: r.id,
        url,
        status: r.status,
        code_ref: r.code.item_hash,
        code_file_hash: r.codeFileHash,
        encoding: code.encoding,
        pinned: pin,
        upgrade_policy: policy,
      });
    if (!verbose) return void process.stdout.write(`${r.id}\n${url}\n`);
    process.stdout.write(
      `Your program has been deployed (${r.status}).\n\n` +
        `  Program id: ${r.id}\n` +
        `  Code:       ${r.code.item_hash} (${code.encoding}, ${code.bytes.length} bytes)\n` +
        (pin
          ? `  Pinned:     code, runtime and volumes (use_latest: false)${policy === 'immutable' ? ': program.toml says upgrade_policy = "immutable"' : ''}\n`
          : '') +
        '\n' +
        `Available on:\n  ${url}\n`,
    );
  });
}
