import type { Command } from 'commander';
import { computeUrlOf, isVerbose, withDebug, withKeyOptions, withVerbose, type CommonOptions } from '../../context.js';
import { printFields, printJson } from '../../output.js';
import { readAnswer } from '../../../client/transport/request.js';
import { runtimeAboutSchema } from '../../../protocol/api/index.js';
import { computeGet } from './computeRequest.js';

/** `aleph program runtime-checker ITEM_HASH`: versions inside a runtime, reported by the compute node. */
export function registerRuntimeChecker(program: Command): void {
  const cmd = program
    .command('runtime-checker')
    .description('Check versions used by a runtime (distribution, python, nodejs, etc...)')
    .argument('<ITEM_HASH>', 'Item hash of the runtime to check');
  withKeyOptions(cmd, 'Chain for the address, it can be [AVAX, BASE, ETH, SOL] (only ETH on this network)')
    .option(
      '--domain <url>',
      'URL of the compute node that inspects the runtime [default: ALEPH_COMPUTE_URL or http://127.0.0.1:4020]',
    )
    .option('--json', 'Print the report as JSON');
  withDebug(withVerbose(cmd, false));
  cmd.action(async (ref: string, opts: CommonOptions & { domain?: string }) => {
    const domain = computeUrlOf(opts.domain);
    const res = await computeGet(domain, `/about/runtime/${encodeURIComponent(ref)}`, `runtime ${ref}`);
    const report = await readAnswer(res, runtimeAboutSchema);
    if (opts.json) return printJson(report);
    const versions = report.versions;
    process.stdout.write(`Runtime ${ref}\n`);
    // Distribution and interpreters first (what the seed says the checker reports), then the packages.
    const head: Array<[string, unknown]> = [
      ['distribution', report.distribution],
      ['python', report.python ?? versions.python],
      ['nodejs', report.node ?? versions.node],
    ];
    const rest = Object.entries(versions).filter(
      ([k]) => k !== 'python' && k !== 'node' && (isVerbose(opts, false) || k !== 'raw'),
    );
    printFields([...head.map(([k, v]): [string, unknown] => [k, v ?? 'not installed']), ...rest]);
    if (isVerbose(opts, false) && report.store)
      printFields([
        ['store', report.store],
        ['file', report.file_hash],
      ]);
  });
}
