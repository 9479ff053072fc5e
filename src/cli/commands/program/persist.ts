import type { Command } from 'commander';
import { clientOf, isVerbose, withDebug, withKeyOptions, withVerbose, type CommonOptions } from '../../context.js';
import { printJson } from '../../output.js';

const KEEP_PREV_HELP =
  'Keep the previous program intact instead of deleting it [default: no-keep-prev]. Accepted for compatibility and has no effect here: ' +
  'on this network the replacing message keeps the program id and URL, so there is no previous program to delete';

function register(program: Command, name: 'persist' | 'unpersist', persistent: boolean): void {
  const cmd = program
    .command(name)
    .alias(`${name}ent`)
    .description(
      persistent
        ? 'Recreate a non-persistent program as persistent. The program must be updatable and yours; it keeps its id and URL'
        : 'Recreate a persistent program as non-persistent. The program must be updatable and yours; it keeps its id and URL',
    )
    .argument('<ITEM_HASH>', `Item hash of the program to ${name}`)
    .option('--keep-prev', KEEP_PREV_HELP)
    .option('--no-keep-prev', 'Default: nothing to delete on this network (see --keep-prev)');
  withKeyOptions(cmd)
    .option('--print-message', 'Print the message after publication [default: no-print-message]')
    .option('--no-print-message', 'Do not print the message')
    .option('--json', 'Print the result as JSON');
  withDebug(withVerbose(cmd, true));
  cmd.action(async (hash: string, opts: CommonOptions & { printMessage?: boolean }, command: Command) => {
    const r = await clientOf(command, true).setProgramPersistence({ hash, persistent });
    if (opts.printMessage) printJson(r.message);
    if (opts.json) return printJson({ id: r.id, item_hash: r.message.item_hash, status: r.status, persistent });
    if (!isVerbose(opts, true)) return void process.stdout.write(`${r.message.item_hash}\n`);
    process.stdout.write(`Program ${r.id} is now ${persistent ? 'persistent' : 'ephemeral'} (${r.status}).\n  Replacing message: ${r.message.item_hash}\n`);
  });
}

/** `aleph program persist|unpersist ITEM_HASH`: flip on.persistent through a replacing PROGRAM. */
export function registerPersist(program: Command): void {
  register(program, 'persist', true);
  register(program, 'unpersist', false);
}
