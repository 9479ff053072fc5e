import type { Command } from 'commander';
import { clientOf, type CommonOptions } from '../context.js';
import { isoTime, printFields, printJson } from '../output.js';

/** `aleph message get HASH`: a message, its status and, when rejected, the rule that refused it. */
export function registerMessageGet(message: Command): void {
  message
    .command('get')
    .description('Show a message and its status (processed, pending, rejected with its error, forgotten)')
    .argument('<HASH>', 'Item hash of the message')
    .option('--json', 'Print the node answer as JSON')
    .action(async (hash: string, opts: CommonOptions, cmd: Command) => {
      const r = await clientOf(cmd, false).getMessage({ hash });
      if (opts.json) return printJson(r);
      const m = r.message;
      printFields([
        ['Item hash', r.item_hash ?? hash],
        ['Status', r.status],
        ...(r.status === 'rejected'
          ? ([['Error', `${r.error_code}: ${String((r.details as { message?: unknown } | null)?.message ?? '')}`]] as [
              string,
              unknown,
            ][])
          : []),
        ...(r.status === 'forgotten' && r.forgotten_by.length
          ? ([['Forgotten by', r.forgotten_by.join(', ')]] as [string, unknown][])
          : []),
        ['Type', m.type],
        ['Sender', m.sender],
        ['Channel', m.channel],
        ['Time', isoTime(m.time)],
      ]);
      const content = 'content' in m ? m.content : undefined;
      if (content) process.stdout.write(`Content:\n${JSON.stringify(content, null, 2)}\n`);
    });
}
