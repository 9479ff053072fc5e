import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { manifestPolicyOf, prepareCode, type AlephClient, type DryRunCandidate } from '../../../../client/index.js';
import { accountOf, clientOf, withKeyOptions, type CommonOptions } from '../../../context.js';
import { readJsonFile } from '../../../optionParsers.js';
import { printJson, uploadProgress } from '../../../output.js';
import { planOfOptions, publishPlan, withRolloutOptions, type RolloutOptions } from './rolloutOptions.js';
import { governed, isRefusal, judged, outputMode, printVerdict, reportVerdicts } from './shared.js';

type UpgradeOptions = CommonOptions &
  RolloutOptions & { content?: string; dryRun?: boolean; sender?: string; pinCode?: boolean };

/** New code uploaded unsigned (a bare file, no STORE: nothing is signed), or a full PROGRAM content. */
async function candidateOf(
  client: AlephClient,
  path: string | undefined,
  contentFile: string | undefined,
): Promise<DryRunCandidate> {
  if (contentFile) return { content: readJsonFile(contentFile, '--content') as Record<string, unknown> };
  if (!path)
    throw new AlephError('OPTION_MISSING', 'give the new code PATH or --content FILE', {
      hint: 'aleph program upgrade ID ./new-code --dry-run',
    });
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
  const v = await governed(id, () =>
    client.dryRunProgram({ id, candidate: { ...candidate, ...(sender ? { sender } : {}) } as DryRunCandidate }),
  );
  if (opts.json) printJson({ id, dry_run: true, ...candidate, ...v });
  else printVerdict(id, v);
  if (isRefusal(v)) process.exitCode = 1;
}

/**
 * Whether an upgrade must travel as a PROGRAM replacement: a STORE amend reaches a program only through
 * `code.use_latest`, so it cannot carry pinned refs (an immutable candidate, or a program that pins its code:
 * ossification goes here) nor a new encoding. Otherwise the amend, as aleph's `program update` does.
 */
function replacementReason(
  current: Record<string, unknown>,
  policy: string | null,
  encoding: string,
  pinFlag: boolean | undefined,
): string | null {
  const code = (current.code ?? {}) as { use_latest?: boolean; encoding?: string };
  if (pinFlag) return '--pin-code';
  if (policy === 'immutable')
    return 'program.toml says upgrade_policy = "immutable": code, runtime and volumes are pinned';
  if (code.use_latest === false && pinFlag !== false) return 'the program pins its code (code.use_latest: false)';
  if (code.encoding && code.encoding !== encoding) return `the encoding changes (${code.encoding} -> ${encoding})`;
  return null;
}

async function publish(id: string, path: string | undefined, opts: UpgradeOptions, cmd: Command): Promise<void> {
  if (!path)
    throw new AlephError('OPTION_MISSING', 'give the new code PATH', {
      hint: 'to change other fields, use `aleph message amend ID`',
    });
  const plan = planOfOptions(opts);
  const client = clientOf(cmd, true);
  const code = prepareCode(path);
  const mode = outputMode(opts);
  if (plan) await publishPlan(client, id, code, plan);
  const { current } = await client.getCurrentProgram({ hash: id });
  const reason = replacementReason(current.content, manifestPolicyOf(code, path), code.encoding, opts.pinCode);
  if (reason) {
    const pin = opts.pinCode !== false;
    const { result, verdicts } = await judged(() => client.replaceProgramCode({ hash: id, code, pin }));
    const hash = result?.message.item_hash;
    if (mode !== 'json')
      process.stdout.write(
        `Published PROGRAM ${hash ?? '-'} replacing ${id}${pin ? ' with pinned refs' : ''} (${reason})\n`,
      );
    const verdict = reportVerdicts(id, verdicts, mode);
    if (mode === 'json')
      printJson({
        id,
        item_hash: hash ?? null,
        kind: 'replacement',
        pinned: pin,
        status: result?.status ?? 'rejected',
        verdict: verdict ?? null,
        program_verdicts: verdicts,
      });
    return;
  }
  const r = await client.updateProgramCode({ hash: id, code });
  const hash = r.message?.item_hash;
  if (mode !== 'json')
    process.stdout.write(`Published STORE ${hash ?? '-'} (${r.status ?? '-'}) amending the code of ${r.id}\n`);
  // The STORE amend is accepted on its own; whether the program adopts it is its policy's verdict.
  const verdict = reportVerdicts(r.id, r.program_verdicts, mode);
  if (mode === 'json')
    printJson({
      id: r.id,
      item_hash: hash,
      kind: 'amend',
      status: r.status,
      verdict: verdict ?? null,
      program_verdicts: r.program_verdicts,
    });
}

/** `aleph program upgrade <id> <dir> [--dry-run]`: the node's verdict before signing, or publish and report it. */
export function registerUpgrade(program: Command): void {
  withKeyOptions(
    withRolloutOptions(
      program
        .command('upgrade')
        .description(
          "Upgrade a program's code and report the program's verdict; with --dry-run, only ask the node for its exact verdict and the checksum, before anything is signed",
        )
        .argument('<ITEM_HASH>', 'Program id')
        .argument('[PATH]', 'New code: a directory, .zip or .squashfs')
        .option('--content <file>', 'With --dry-run: a JSON file holding a full candidate PROGRAM content')
        .option('--dry-run', 'Ask for the verdict only; exit code 1 if the upgrade would be refused')
        .option(
          '--sender <address>',
          "With --dry-run: the address that would sign [default: your key's address, else the owner]",
        )
        .option(
          '--pin-code',
          'Publish a PROGRAM replacement with code, runtime and volumes pinned (use_latest: false) [default: when program.toml says immutable, or the program pins its code]',
        )
        .option(
          '--no-pin-code',
          'Never pin: amend the code STORE (or replace without pinning when an amend cannot carry the change)',
        )
        .option('--json', 'Print as JSON'),
    ),
  ).action(async (id: string, path: string | undefined, opts: UpgradeOptions, cmd: Command) =>
    opts.dryRun ? dryRun(id, path, opts, cmd) : publish(id, path, opts, cmd),
  );
}
