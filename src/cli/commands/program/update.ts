import type { Command } from 'commander';
import { prepareCode } from '../../../client/index.js';
import { clientOf, isVerbose, withDebug, withKeyOptions, withVerbose, type CommonOptions } from '../../context.js';
import { printJson, uploadProgress } from '../../output.js';

/**
 * `aleph program update ITEM_HASH PATH`: new code as a STORE amending the program's code STORE, which
 * the program adopts through code.use_latest (same id; its upgrade policy decides).
 */
export function registerUpdate(program: Command): void {
  const cmd = program
    .command('update')
    .description('Update the code of an existing program: uploads PATH as an amend of its code STORE (the program keeps its item hash)')
    .argument('<ITEM_HASH>', 'Item hash of the program to update')
    .argument('<PATH>', 'Path to the new source code: a directory, a .squashfs file or a .zip archive (same encoding as before)');
  withKeyOptions(cmd)
    .option('--print-message', 'Print the message after update [default: no-print-message]')
    .option('--no-print-message', 'Do not print the message')
    .option('--json', 'Print the result as JSON');
  withDebug(withVerbose(cmd, true));
  cmd.action(async (hash: string, path: string, opts: CommonOptions & { printMessage?: boolean }, command: Command) => {
    const client = clientOf(command, true);
    const code = prepareCode(path);
    const progress = uploadProgress(code.bytes.length, 'Uploading code');
    const r = await client.updateProgramCode({ hash, code, onProgress: progress.onProgress });
    progress.done();
    if (opts.printMessage) printJson(r.message);
    if (opts.json) return printJson({ id: r.id, item_hash: r.message?.item_hash, status: r.status, code_ref: r.codeRef, code_file_hash: r.hash });
    if (!isVerbose(opts, true)) return void process.stdout.write(`${r.message?.item_hash}\n`);
    process.stdout.write(
      `Code of program ${r.id} updated (${r.status}).\n` +
        `  STORE amend: ${r.message?.item_hash} (ref ${r.codeRef})\n` +
        `  File hash:   ${r.hash}\n` +
        `The program serves the new code once its upgrade policy accepts it: see \`aleph program history ${r.id}\`.\n`,
    );
  });
}
