import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { prepareCode, type AlephClient, type DryRunCandidate } from '../../../../client/index.js';
import { accountOf, clientOf, withKeyOptions, type CommonOptions } from '../../../context.js';
import { readJsonFile } from '../../../optionParsers.js';
import { printJson, uploadProgress } from '../../../output.js';
import { governed, isRefusal, outputMode, printVerdict, reportVerdicts } from './shared.js';

type UpgradeOptions = CommonOptions & { content?: string; dryRun?: boolean; sender?: string };

/** New code uploaded unsigned (a bare file, no STORE: nothing is signed), or a full PROGRAM content. */
async function candidateOf(client: AlephClient, path: string | undefined, contentFile: string | undefined): Promise<DryRunCandidate> {
  if (contentFile) return { content: readJsonFile(contentFile, '--content') as Record<string, unknown> };
  if (!path) throw new AlephError('OPTION_MISSING', 'give the new code PATH or --content FILE', { hint: 'aleph program upgrade ID ./new-code --dry-run' });
  const code = prepareCode(path);
  const progress = uploadProgress(code.bytes.length, 'Uploading candidate');
  const { hash } = await client.uploadFile({ file: code.bytes, store: false, onProgress: progress.onProgress });
  progress.done();
  return { code_hash: hash };
}

/** Who would sign: --sender, else the local key's address when there is one (the verdict may depend on it, e.g. @admin). */
function senderOf(opts: UpgradeOptions): string | undefined {
  if (opts.sender) return opts.sender;
  try {
    return accountOf(opts).address;
  } catch {
    return undefined;
  }
}

async function dryRun(id: string, path: string | undefined, opts: UpgradeOptions, cmd: Command): Promise<void> {
  const client = clientOf(cmd, false);
  const candidate = await candidateOf(client, path, opts.content);
  const sender = senderOf(opts);
  const v = await governed(id, () => client.dryRunProgram({ id, candidate: { ...candidate, ...(sender ? { sender } : {}) } as DryRunCandidate }));
  if (opts.json) printJson({ id, dry_run: true, ...candidate, ...v });
  else printVerdict(id, v);
  if (isRefusal(v)) process.exitCode = 1;
}

async function publish(id: string, path: string | undefined, opts: UpgradeOptions, cmd: Command): Promise<void> {
  if (!path) throw new AlephError('OPTION_MISSING', 'give the new code PATH', { hint: 'to change other fields, use `aleph message amend ID`' });
  const r = await clientOf(cmd, true).updateProgramCode({ hash: id, code: prepareCode(path) });
  const hash = r.message?.item_hash;
  const mode = outputMode(opts);
  if (mode !== 'json') process.stdout.write(`Published STORE ${hash ?? '-'} (${r.status ?? '-'}) amending the code of ${r.id}\n`);
  // The STORE amend is accepted on its own; whether the program adopts it is its policy's verdict.
  const verdict = reportVerdicts(r.id, r.program_verdicts, mode);
  if (mode === 'json') printJson({ id: r.id, item_hash: hash, status: r.status, verdict: verdict ?? null, program_verdicts: r.program_verdicts });
}

/** `aleph program upgrade <id> <dir> [--dry-run]`: the node's verdict before signing, or publish and report it. */
export function registerUpgrade(program: Command): void {
  withKeyOptions(
    program
      .command('upgrade')
      .description("Upgrade a program's code and report the program's verdict; with --dry-run, only ask the node for its exact verdict and the checksum, before anything is signed")
      .argument('<ITEM_HASH>', 'Program id')
      .argument('[PATH]', 'New code: a directory, .zip or .squashfs')
      .option('--content <file>', 'With --dry-run: a JSON file holding a full candidate PROGRAM content')
      .option('--dry-run', 'Ask for the verdict only; exit code 1 if the upgrade would be refused')
      .option('--sender <address>', 'With --dry-run: the address that would sign [default: your key\'s address, else the owner]')
      .option('--json', 'Print as JSON'),
  ).action(async (id: string, path: string | undefined, opts: UpgradeOptions, cmd: Command) => (opts.dryRun ? dryRun(id, path, opts, cmd) : publish(id, path, opts, cmd)));
}
