import type { Command } from 'commander';
import { prepareCode } from '../../../client/index.js';
import { clientOf, withPublishOptions, type CommonOptions } from '../../context.js';
import { printJson, uploadProgress } from '../../output.js';
import { planOfOptions, publishPlan, withRolloutOptions, type RolloutOptions } from './governance/rolloutOptions.js';
import { outputMode, reportVerdicts } from './governance/shared.js';

/**
 * `aleph program update ITEM_HASH PATH`: new code as a STORE amending the program's code STORE, which
 * the program adopts through code.use_latest if its policy accepts (same id). Reports the program's verdict
 * and exits 1 when it refused, although the STORE itself is accepted.
 */
export function registerUpdate(program: Command): void {
  const cmd = program
    .command('update')
    .description(
      'Update the code of an existing program: uploads PATH as an amend of its code STORE (the program keeps its item hash), ' +
        "then reports the program's verdict (new edition, or the rule that refused it: exit code 1)",
    )
    .argument('<ITEM_HASH>', 'Item hash of the program to update')
    .argument(
      '<PATH>',
      'Path to the new source code: a directory, a .squashfs file or a .zip archive (same encoding as before)',
    );
  withPublishOptions(cmd, 'update');
  withRolloutOptions(cmd);
  cmd.action(
    async (
      hash: string,
      path: string,
      opts: CommonOptions & RolloutOptions & { printMessage?: boolean },
      command: Command,
    ) => {
      const plan = planOfOptions(opts);
      const client = clientOf(command, true);
      const code = prepareCode(path);
      if (plan) await publishPlan(client, hash, code, plan);
      const progress = uploadProgress(code.bytes.length, 'Uploading code');
      const r = await client.updateProgramCode({ hash, code, onProgress: progress.onProgress });
      progress.done();
      if (opts.printMessage) printJson(r.message);
      const mode = outputMode(opts);
      if (mode === 'quiet') process.stdout.write(`${r.message?.item_hash}\n`);
      if (mode === 'verbose') {
        process.stdout.write(
          `Published the code of program ${r.id} (${r.status}).\n  STORE amend: ${r.message?.item_hash} (ref ${r.codeRef})\n  File hash:   ${r.hash}\n`,
        );
      }
      const verdict = reportVerdicts(r.id, r.program_verdicts, mode);
      if (opts.json) {
        return printJson({
          id: r.id,
          item_hash: r.message?.item_hash,
          status: r.status,
          code_ref: r.codeRef,
          code_file_hash: r.hash,
          verdict: verdict ?? null,
          program_verdicts: r.program_verdicts,
        });
      }
    },
  );
}
