import type { Command } from 'commander';
import {
  accountOf,
  checkChain,
  clientOf,
  computeUrlOf,
  withDebug,
  withKeyOptions,
  type CommonOptions,
} from '../../context.js';
import { isoTime, printJson, printTable } from '../../output.js';

/**
 * `aleph program list [--address] [--json]`: the live programs of an address, from `GET /api/v0/programs` —
 * one request per page, each program already folded with its replacements (edition in force, policy).
 */
export function registerList(program: Command): void {
  const cmd = program
    .command('list')
    .description('List all programs associated to an account')
    .option('--address <address>', 'Owner address of the programs [default: the address of your key]');
  withKeyOptions(cmd)
    .option('--json', 'Print as json instead of rich table [default: no-json]')
    .option('--no-json', 'Print a table');
  withDebug(cmd);
  cmd.action(async (opts: CommonOptions & { address?: string }, command: Command) => {
    checkChain(opts.chain);
    const address = opts.address ?? accountOf(opts).address;
    const programs = await clientOf(command, false).listAllPrograms({ owners: [address] });
    if (opts.json) {
      return printJson(
        programs.map((p) => ({
          id: p.id,
          current_hash: p.current_hash,
          edition: p.edition,
          upgrade_policy: p.upgrade_policy ?? null,
          url: `${computeUrlOf()}/vm/${p.id}`,
          content: p.content,
        })),
      );
    }
    printTable(
      ['ID', 'NAME', 'UPDATED', 'PERSISTENT', 'UPDATABLE', 'VCPUS', 'MEMORY', 'EDITION', 'POLICY'],
      programs.map((p) => {
        const c = (p.content ?? {}) as Record<string, any>;
        return [
          p.id,
          c.metadata?.name,
          isoTime(c.time),
          c.on?.persistent ? 'yes' : 'no',
          c.allow_amend ? 'yes' : 'no',
          c.resources?.vcpus,
          c.resources?.memory ? `${c.resources.memory} MiB` : undefined,
          p.edition,
          p.upgrade_policy ?? 'plain',
        ];
      }),
      `No programs for ${address}.`,
    );
  });
}
