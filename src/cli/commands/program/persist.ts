import type { Command } from 'commander';
import { clientOf, withPublishOptions, type CommonOptions } from '../../context.js';
import { printJson } from '../../output.js';
import { judged, outputMode, reportVerdicts } from './governance/shared.js';

const KEEP_PREV_HELP =
  'Keep the previous program intact instead of deleting it [default: no-keep-prev]. Accepted for compatibility and has no effect here: ' +
  'on this network the replacing message keeps the program id and URL, so there is no previous program to delete';

function register(program: Command, name: 'persist' | 'unpersist', persistent: boolean): void {
  const cmd = program
    .command(name)
    .alias(`${name}ent`)
    .description(
      (persistent
        ? 'Recreate a non-persistent program as persistent. The program must be updatable and yours; it keeps its id and URL'
        : 'Recreate a persistent program as non-persistent. The program must be updatable and yours; it keeps its id and URL') +
        ". Reports the program's verdict (new edition, or the rule that refused it: exit code 1)",
    )
    .argument('<ITEM_HASH>', `Item hash of the program to ${name}`)
    .option('--keep-prev', KEEP_PREV_HELP)
    .option('--no-keep-prev', 'Default: nothing to delete on this network (see --keep-prev)');
  withPublishOptions(cmd, 'publication');
  cmd.action(async (hash: string, opts: CommonOptions & { printMessage?: boolean }, command: Command) => {
    const {
      result: r,
      verdicts,
      rejected,
    } = await judged(() => clientOf(command, true).setProgramPersistence({ hash, persistent }));
    const id = r?.id ?? verdicts[0]?.program_id ?? hash;
    const itemHash = r?.message.item_hash ?? (rejected?.details.item_hash as string | undefined);
    if (r && opts.printMessage) printJson(r.message);
    const mode = outputMode(opts);
    if (mode === 'quiet') process.stdout.write(`${itemHash ?? ''}\n`);
    if (mode === 'verbose') {
      process.stdout.write(
        r
          ? `Program ${id} is now ${persistent ? 'persistent' : 'ephemeral'} (${r.status}).\n  Replacing message: ${itemHash}\n`
          : `Program ${id} stays ${persistent ? 'ephemeral' : 'persistent'}: the node rejected the replacing message ${itemHash ?? ''}.\n`,
      );
    }
    const verdict = reportVerdicts(id, verdicts, mode);
    if (opts.json)
      return printJson({
        id,
        item_hash: itemHash,
        status: r?.status ?? 'rejected',
        persistent,
        verdict: verdict ?? null,
        program_verdicts: verdicts,
      });
  });
}

/** `aleph program persist|unpersist ITEM_HASH`: flip on.persistent through a replacing PROGRAM. */
export function registerPersist(program: Command): void {
  register(program, 'persist', true);
  register(program, 'unpersist', false);
}
