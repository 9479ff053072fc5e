import type { Command } from 'commander';
import type { ApiMessage } from '../../../client/index.js';
import { accountOf, checkChain, clientOf, computeUrlOf, withDebug, withKeyOptions, type CommonOptions } from '../../context.js';
import { isoTime, printJson, printTable } from '../../output.js';

/** One program per id: the original and the newest replacement in force. */
export function groupPrograms(messages: ApiMessage[]): { id: string; original?: ApiMessage; current: ApiMessage; replacements: number }[] {
  const byId = new Map<string, { id: string; original?: ApiMessage; current: ApiMessage; replacements: number }>();
  const time = (m: ApiMessage) => Number(m.content.time ?? m.time);
  for (const m of [...messages].sort((a, b) => time(a) - time(b))) {
    const id = typeof m.content.replaces === 'string' && m.content.replaces ? m.content.replaces : m.item_hash;
    const entry = byId.get(id);
    if (!entry) byId.set(id, { id, ...(id === m.item_hash ? { original: m } : {}), current: m, replacements: id === m.item_hash ? 0 : 1 });
    else {
      if (id === m.item_hash) entry.original = m;
      else entry.replacements++;
      entry.current = m;
    }
  }
  return [...byId.values()].filter((p) => p.original).sort((a, b) => time(a.original as ApiMessage) - time(b.original as ApiMessage));
}

/** `aleph program list [--address] [--json]`: the programs of an address. */
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
    const messages = await clientOf(command, false).getAllMessages({ msgType: 'PROGRAM', addresses: [address] });
    const programs = groupPrograms(messages);
    if (opts.json) {
      return printJson(programs.map((p) => ({ id: p.id, current_hash: p.current.item_hash, replacements: p.replacements, url: `${computeUrlOf()}/vm/${p.id}`, content: p.current.content })));
    }
    printTable(
      ['ID', 'NAME', 'CREATED', 'PERSISTENT', 'UPDATABLE', 'VCPUS', 'MEMORY', 'REPLACED'],
      programs.map((p) => {
        const c = p.current.content as Record<string, any>;
        return [p.id, c.metadata?.name, isoTime((p.original as ApiMessage).content.time), c.on?.persistent ? 'yes' : 'no', c.allow_amend ? 'yes' : 'no', c.resources?.vcpus, c.resources?.memory ? `${c.resources.memory} MiB` : undefined, p.replacements];
      }),
      `No programs for ${address}.`,
    );
  });
}
