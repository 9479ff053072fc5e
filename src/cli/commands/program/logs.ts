import type { Command } from 'commander';
import { getProgramLogs, type ProgramLogRecord } from '../../../client/index.js';
import { accountOf, computeUrlOf, withDebug, withKeyOptions, type CommonOptions } from '../../context.js';
import { printJson } from '../../output.js';
import { computeCall } from './computeRequest.js';

/** aleph-client prints `{__REALTIME_TIMESTAMP}>  {MESSAGE}`; this adds the edition and the stream. */
function formatEntry(e: ProgramLogRecord): string {
  const ed = e.edition !== undefined ? ` [edition ${e.edition}]` : '';
  return `${e.__REALTIME_TIMESTAMP}${ed} ${e.file}: ${String(e.MESSAGE ?? '').replace(/\n$/, '')}`;
}

/** `aleph program logs ITEM_HASH [--domain]`: stdout/stderr of a program's executions on one compute node. */
export function registerLogs(program: Command): void {
  const cmd = program
    .command('logs')
    .description('Display the logs of a program, it will only show logs from the selected CRN')
    .argument('<ITEM_HASH>', 'Item hash of the program');
  withKeyOptions(cmd)
    .option(
      '--domain <url>',
      'URL of the CRN (Compute node) on which the program is running [default: ALEPH_COMPUTE_URL or http://127.0.0.1:4020]',
    )
    .option('--json', 'Print the log entries as JSON');
  withDebug(cmd);
  cmd.action(async (hash: string, opts: CommonOptions & { domain?: string; json?: boolean }) => {
    const domain = computeUrlOf(opts.domain);
    // Signed as aleph's VmClient signs it: the compute node shows a program's logs to its owner only.
    const account = accountOf(opts);
    const entries = await computeCall(domain, `logs for ${hash}`, () =>
      getProgramLogs(account, { computeUrl: domain, id: hash }),
    );
    if (opts.json) return printJson(entries);
    for (const e of entries) process.stdout.write(formatEntry(e) + '\n');
  });
}
