import type { Command } from 'commander';
import { computeUrlOf, withDebug, withKeyOptions, type CommonOptions } from '../../context.js';
import { printJson } from '../../output.js';
import { computeGet } from './computeRequest.js';

interface LogEntry {
  time?: number | string;
  edition?: number;
  stream?: string;
  message?: string;
  line?: string;
}

function formatEntry(e: LogEntry | string): string {
  if (typeof e === 'string') return e;
  const t = typeof e.time === 'number' ? new Date(e.time * (e.time < 1e12 ? 1000 : 1)).toISOString() : e.time ?? '';
  const ed = e.edition !== undefined ? ` [edition ${e.edition}]` : '';
  const stream = e.stream ? ` ${e.stream}` : '';
  return `${t}${ed}${stream}: ${(e.message ?? e.line ?? '').replace(/\n$/, '')}`;
}

/** `aleph program logs ITEM_HASH [--domain]`: stdout/stderr of a program's executions on one compute node. */
export function registerLogs(program: Command): void {
  const cmd = program
    .command('logs')
    .description('Display the logs of a program, it will only show logs from the selected CRN')
    .argument('<ITEM_HASH>', 'Item hash of the program');
  withKeyOptions(cmd)
    .option('--domain <url>', 'URL of the CRN (Compute node) on which the program is running [default: ALEPH_COMPUTE_URL or http://127.0.0.1:4020]')
    .option('--json', 'Print the log entries as JSON');
  withDebug(cmd);
  cmd.action(async (hash: string, opts: CommonOptions & { domain?: string }) => {
    const domain = computeUrlOf(opts.domain);
    const res = await computeGet(domain, `/control/machine/${encodeURIComponent(hash)}/logs`, `logs for ${hash}`);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      process.stdout.write(text.endsWith('\n') || !text ? text : text + '\n');
      return;
    }
    if (opts.json) return printJson(body);
    const entries = Array.isArray(body) ? body : Array.isArray((body as { logs?: unknown }).logs) ? (body as { logs: unknown[] }).logs : [body];
    for (const e of entries) process.stdout.write(formatEntry(e as LogEntry) + '\n');
  });
}
