import type { Command } from 'commander';
import { AlephError } from '../errors.js';
import {
  AlephClient,
  DEFAULT_API_URL,
  DEFAULT_CHANNEL,
  DEFAULT_COMPUTE_URL,
  defaultKeyFilePath,
  loadAccount,
  type LocalAlephAccount,
} from '../client/index.js';

/** Options every command may carry (global ones come through optsWithGlobals). */
export interface CommonOptions {
  apiUrl?: string;
  privateKey?: string;
  privateKeyFile?: string;
  chain?: string;
  json?: boolean;
  debug?: boolean;
  verbose?: boolean;
  channel?: string;
}

/** Node API URL: --api-url, then ALEPH_API_URL, then the devnet default. */
export function apiUrlOf(opts: CommonOptions): string {
  return (opts.apiUrl ?? process.env.ALEPH_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
}

/** Compute node URL for `/vm/{id}` links, logs and runtime reports: ALEPH_COMPUTE_URL or the devnet default. */
export function computeUrlOf(domain?: string): string {
  return (domain ?? process.env.ALEPH_COMPUTE_URL ?? DEFAULT_COMPUTE_URL).replace(/\/+$/, '');
}

/** Refuses `--chain` values other than ETH early (the only chain this network verifies). */
export function checkChain(chain: string | undefined): void {
  if (chain && chain.toUpperCase() !== 'ETH') {
    throw new AlephError('CHAIN_UNSUPPORTED', `chain ${chain} is not supported by this network`, {
      hint: 'use --chain ETH (or leave it out)',
    });
  }
}

/** The account named by --private-key / --private-key-file (default key file). */
export function accountOf(opts: CommonOptions): LocalAlephAccount {
  checkChain(opts.chain);
  return loadAccount({ privateKey: opts.privateKey, path: opts.privateKeyFile });
}

/** A client for this command; with `sign`, bound to the user's account. */
export function clientOf(cmd: Command, sign: boolean): AlephClient {
  const opts = cmd.optsWithGlobals() as CommonOptions;
  return new AlephClient({
    apiUrl: apiUrlOf(opts),
    ...(sign ? { account: accountOf(opts) } : {}),
    channel: opts.channel ?? DEFAULT_CHANNEL,
  });
}

/** Adds the key options of the seed reference (same names and defaults) to a command. */
export function withKeyOptions(
  cmd: Command,
  chainHelp:
    | string
    | null = 'Chain you want to use to pay for your program can be [AVAX, BASE, ETH, SOL] (only ETH on this network)',
): Command {
  if (chainHelp) cmd.option('--chain <chain>', chainHelp);
  return cmd
    .option('--private-key <key>', 'Your private key. Cannot be used with --private-key-file')
    .option('--private-key-file <path>', `Path to your private key file [default: ${defaultKeyFilePath()}]`);
}

/** Adds `--debug / --no-debug` (stack traces on errors). */
export function withDebug(cmd: Command): Command {
  return cmd
    .option('--debug', 'Enable debug logging [default: no-debug]')
    .option('--no-debug', 'Disable debug logging');
}

/** Adds `--verbose / --no-verbose` with the given default. */
export function withVerbose(cmd: Command, byDefault: boolean): Command {
  return cmd
    .option('--verbose', `Display additional information [default: ${byDefault ? 'verbose' : 'no-verbose'}]`)
    .option('--no-verbose', 'Display less information');
}

/** `--verbose` value with its default applied (commander leaves it unset when both forms exist). */
export function isVerbose(opts: CommonOptions, byDefault: boolean): boolean {
  return opts.verbose ?? byDefault;
}

/**
 * The options of a command that publishes one message for the user (`program update|persist|delete`): the
 * key options, `--print-message`, `--json`, and `--verbose` (on by default) / `--debug`.
 */
export function withPublishOptions(cmd: Command, after: string): Command {
  withKeyOptions(cmd)
    .option('--print-message', `Print the message after ${after} [default: no-print-message]`)
    .option('--no-print-message', 'Do not print the message')
    .option('--json', 'Print the result as JSON');
  return withDebug(withVerbose(cmd, true));
}
