import type { Command } from 'commander';
import { clientOf, isVerbose, withPublishOptions, type CommonOptions } from '../../context.js';
import { printJson } from '../../output.js';

/** `aleph program delete ITEM_HASH`: FORGET the program and, unless --keep-code, its code STORE. */
export function registerDelete(program: Command): void {
  const cmd = program
    .command('delete')
    .description('Delete a program (FORGET it, and its code unless --keep-code)')
    .argument('<ITEM_HASH>', 'Item hash of the program to delete')
    .option('--reason <reason>', 'Reason for deleting the program [default: User deletion]', 'User deletion')
    .option('--keep-code', 'Keep the source code intact instead of deleting it [default: no-keep-code]')
    .option('--no-keep-code', 'Also forget the code STORE');
  withPublishOptions(cmd, 'deletion');
  cmd.action(
    async (
      hash: string,
      opts: CommonOptions & { reason: string; keepCode?: boolean; printMessage?: boolean },
      command: Command,
    ) => {
      const r = await clientOf(command, true).deleteProgram({
        hash,
        reason: opts.reason,
        keepCode: opts.keepCode ?? false,
      });
      if (opts.printMessage) for (const m of r.messages) printJson(m);
      if (opts.json) return printJson({ forgotten: r.forgotten, messages: r.messages.map((m) => m.item_hash) });
      if (!isVerbose(opts, true)) return;
      process.stdout.write(`Program ${hash} deleted.\n`);
      if (r.forgotten.length > 1) process.stdout.write(`Code ${r.forgotten[1]} deleted.\n`);
      else if (!opts.keepCode) process.stdout.write('Code kept (it is not yours or was already gone).\n');
    },
  );
}
