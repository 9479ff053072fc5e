import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AlephError } from '../../errors.js';
import { buildAmend } from '../../client/index.js';
import { clientOf, withKeyOptions, type CommonOptions } from '../context.js';
import { printJson } from '../output.js';
import { judged, outputMode, reportVerdicts } from './program/governance/shared.js';

/** Opens `$EDITOR` (default vi) on a JSON file and waits for it, as aleph-client does. */
function editJson(value: unknown, name: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-amend-'));
  const file = join(dir, `${name}.json`);
  try {
    writeFileSync(file, JSON.stringify(value, null, 4) + '\n');
    const editor = process.env.EDITOR || process.env.VISUAL || 'vi';
    // Through a shell so EDITOR may carry arguments ("code --wait").
    const r = spawnSync(`${editor} '${file.replace(/'/g, `'\\''`)}'`, { shell: true, stdio: 'inherit' });
    if (r.status !== 0) {
      throw new AlephError('EDITOR_FAILED', `the editor "${editor}" exited with ${r.status ?? r.signal}`, {
        hint: 'set $EDITOR to an editor that waits until you close the file',
      });
    }
    const text = readFileSync(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new AlephError('AMEND_INVALID_JSON', 'the edited message is not valid JSON; nothing was published', {
        hint: 'run the command again and keep the JSON valid',
        cause,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `aleph message amend HASH`: edit a message's content in $EDITOR and publish the amend. */
export function registerMessageAmend(message: Command): void {
  withKeyOptions(
    message
      .command('amend')
      .description(
        'Edit a message in $EDITOR (default vi) and publish the change: a PROGRAM is replaced (replaces: HASH), a STORE or POST is amended (ref: HASH). ' +
          "Reports each affected program's verdict (new edition, or the rule that refused it); exit code 1 when the amended program refuses",
      )
      .argument('<HASH>', 'Item hash of the message to amend')
      .option('--print-message', 'Print the new message [default: no-print-message]')
      .option('--json', 'Print the result as JSON'),
    'Chain of your key (only ETH on this network)',
  ).action(async (hash: string, opts: CommonOptions & { printMessage?: boolean }, cmd: Command) => {
    const client = clientOf(cmd, true);
    let original = await client.getLiveMessage({ hash });
    // Edit the version in force, not a stale one, when the program was already replaced.
    if (original.type === 'PROGRAM') original = (await client.getCurrentProgram({ hash })).current;
    if (original.type === 'FORGET' || original.type === 'INSTANCE') {
      throw new AlephError('AMEND_UNSUPPORTED', `${original.type} messages cannot be amended`, {
        hint: 'amend a PROGRAM, STORE, POST or AGGREGATE message',
      });
    }
    const { time: _time, ...editable } = original.content;
    const edited = editJson(editable, hash.slice(0, 12));
    if (edited === null || typeof edited !== 'object' || Array.isArray(edited)) {
      throw new AlephError('AMEND_INVALID_JSON', 'the edited content must be a JSON object; nothing was published');
    }
    if (JSON.stringify(edited) === JSON.stringify(editable)) {
      process.stderr.write('No changes: nothing was published.\n');
      return;
    }
    const account = client.account as { address: string };
    // A PROGRAM amend targets the program (its id); a STORE amend targets no program, though each live
    // program following it with use_latest adopts or refuses it: all their verdicts are shown.
    const target =
      original.type === 'PROGRAM'
        ? typeof original.content.replaces === 'string' && original.content.replaces
          ? original.content.replaces
          : original.item_hash
        : undefined;
    const { result, verdicts, rejected } = await judged(() =>
      client.publishMessage({ message: buildAmend(original, edited as Record<string, unknown>, account.address) }),
    );
    const itemHash = result?.message.item_hash ?? (rejected?.details.item_hash as string | undefined);
    const mode = outputMode(opts);
    if (mode !== 'json') {
      if (result && opts.printMessage) printJson(result.message);
      process.stdout.write(
        result
          ? `Published ${result.message.type} ${itemHash} (${result.status}), amending ${hash}\n`
          : `The node rejected the ${original.type} ${itemHash ?? ''} amending ${hash}\n`,
      );
    }
    const verdict = reportVerdicts(target, verdicts, mode);
    if (mode === 'json')
      printJson({
        item_hash: itemHash,
        status: result?.status ?? 'rejected',
        type: original.type,
        amends: hash,
        verdict: verdict ?? null,
        program_verdicts: verdicts,
      });
  });
}
