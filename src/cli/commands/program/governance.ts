import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AlephError, isAlephError } from '../../../errors.js';
import { buildAggregate, buildPost, prepareCode, UPGRADE_APPROVAL_POST_TYPE, type AlephClient, type DryRunCandidate, type DryRunResult } from '../../../client/index.js';
import { clientOf, withKeyOptions, type CommonOptions } from '../../context.js';
import { isoTime, printFields, printJson, printTable, uploadProgress } from '../../output.js';

/** The governance endpoints may be missing on an older node (or until they land): say so instead of a bare 404. */
async function governed<T>(id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isAlephError(e) && e.code === 'NOT_FOUND') {
      // The node's own PROGRAM_NOT_FOUND passes through; a bare 404 means the endpoint itself is missing.
      throw new AlephError('NODE_NO_GOVERNANCE', `this node does not serve ${String(e.details.url ?? 'the governance endpoints')}`, {
        hint: 'use an aleph-ts node that serves /api/v0/programs (pick it with --api-url), or upgrade this one',
        details: { id },
        cause: e,
      });
    }
    throw e;
  }
}

/** Builds a dry-run candidate: new code (uploaded unsigned, nothing is signed) or a PROGRAM content file. */
async function candidateOf(client: AlephClient, path: string | undefined, contentFile: string | undefined): Promise<DryRunCandidate> {
  if (contentFile) return { content: JSON.parse(readFileSync(contentFile, 'utf8')) as Record<string, unknown> };
  if (!path) throw new AlephError('OPTION_MISSING', 'give the new code PATH or --content FILE', { hint: 'aleph program checksum ID ./new-code' });
  const code = prepareCode(path);
  const progress = uploadProgress(code.bytes.length, 'Uploading candidate');
  const { hash } = await client.uploadFile({ file: code.bytes, store: false, onProgress: progress.onProgress });
  progress.done();
  return { code_hash: hash };
}

function printVerdict(id: string, v: DryRunResult): void {
  printFields([
    ['Program', id],
    ['Verdict', v.accepted ? 'accepted' : 'rejected'],
    ['Checksum', v.checksum],
    ...(v.edition !== undefined ? ([['Edition', v.edition]] as [string, unknown][]) : []),
    ...(v.error_code ? ([['Error', `${v.error_code}: ${String(v.details?.message ?? '')}`]] as [string, unknown][]) : []),
  ]);
}

/** `aleph program show|history|checksum|upgrade|approve`: the governance commands (DESIGN §4, §6). */
export function registerGovernance(program: Command): void {
  program
    .command('show')
    .description('Show a program: edition, owner, checksum, upgrade policy, constructor, version in force, pending upgrades')
    .argument('<ITEM_HASH>', 'Program id')
    .option('--json', 'Print as JSON')
    .action(async (id: string, opts: CommonOptions, cmd: Command) => {
      const p = await governed(id, () => clientOf(cmd, false).getProgram({ id }));
      if (opts.json) return printJson(p);
      const ctor = Object.hasOwn(p, 'constructor') ? (p.constructor as { annotation?: string } | string | null) : undefined;
      const content = (p.content ?? {}) as Record<string, any>;
      printFields([
        ['Program', p.id ?? id],
        ['Status', p.status],
        ['Edition', p.edition],
        ['Owner', p.owner],
        ['Version in force', p.current_hash],
        ['Name', content.metadata?.name],
        ['Updatable', content.allow_amend === undefined ? undefined : content.allow_amend ? 'yes (allow_amend)' : 'no'],
        ['Checksum', p.checksum],
        ['Upgrade policy', p.upgrade_policy ?? 'plain (no manifest)'],
        ['Constructor', ctor && typeof ctor === 'object' ? ctor.annotation : ctor],
        ['Pending upgrades', p.pending?.length ? p.pending : 'none'],
      ]);
      if (p.resolved?.length) {
        process.stdout.write('\nResolved references:\n');
        printTable(['KIND', 'MOUNT', 'REF', 'FILE', 'LATEST'], p.resolved.map((r) => [r.kind, r.mount, r.ref, r.file_hash, r.use_latest ? 'yes' : 'no']));
      }
    });

  program
    .command('history')
    .description('Show every edition of a program and every refused upgrade with the rule that refused it')
    .argument('<ITEM_HASH>', 'Program id')
    .option('--json', 'Print as JSON')
    .action(async (id: string, opts: CommonOptions, cmd: Command) => {
      const h = await governed(id, () => clientOf(cmd, false).getProgramHistory({ id }));
      if (opts.json) return printJson(h);
      printTable(['EDITION', 'CHECKSUM', 'MESSAGE', 'SENDER', 'TIME', 'CHANGED'], h.editions.map((e) => [e.edition, e.checksum, e.message_hash, e.sender, isoTime(e.time), Array.isArray(e.changes) ? e.changes.join(', ') : e.changes === undefined ? undefined : JSON.stringify(e.changes)]), 'No editions.');
      if (h.rejected.length) {
        process.stdout.write('\nRefused upgrades:\n');
        printTable(['MESSAGE', 'ERROR', 'DETAIL', 'TIME'], h.rejected.map((r) => [r.message_hash, r.error_code, String(r.details?.message ?? ''), isoTime(r.time)]));
      }
    });

  program
    .command('checksum')
    .description('Compute the checksum of a proposed upgrade before anything is signed (what a DAO approves); without PATH or --content, print the current checksum')
    .argument('<ITEM_HASH>', 'Program id')
    .argument('[PATH]', 'New code: a directory, .zip or .squashfs (uploaded unsigned)')
    .option('--content <file>', 'A JSON file holding a full candidate PROGRAM content instead of new code')
    .option('--json', 'Print as JSON')
    .action(async (id: string, path: string | undefined, opts: CommonOptions & { content?: string }, cmd: Command) => {
      const client = clientOf(cmd, false);
      if (!path && !opts.content) {
        const p = await governed(id, () => client.getProgram({ id }));
        if (!p.checksum) {
          throw new AlephError('PROGRAM_NO_CHECKSUM', `the node reports no checksum for ${id}`, { hint: 'this node does not compute edition checksums yet' });
        }
        return opts.json ? printJson({ id, edition: p.edition, checksum: p.checksum }) : void process.stdout.write(`${p.checksum}\n`);
      }
      const candidate = await candidateOf(client, path, opts.content);
      const v = await governed(id, () => client.dryRunProgram({ id, candidate }));
      if (opts.json) return printJson({ id, ...candidate, ...v });
      process.stdout.write(`${v.checksum}\n`);
    });

  withKeyOptions(
    program
      .command('upgrade')
      .description('Upgrade a program\'s code (as `update`); with --dry-run, only ask the node for its verdict and the checksum, changing nothing')
      .argument('<ITEM_HASH>', 'Program id')
      .argument('[PATH]', 'New code: a directory, .zip or .squashfs')
      .option('--content <file>', 'With --dry-run: a JSON file holding a full candidate PROGRAM content')
      .option('--dry-run', 'Ask for the verdict only; exit code 1 if the upgrade would be refused')
      .option('--json', 'Print as JSON'),
  ).action(async (id: string, path: string | undefined, opts: CommonOptions & { content?: string; dryRun?: boolean }, cmd: Command) => {
    if (opts.dryRun) {
      const client = clientOf(cmd, false);
      const candidate = await candidateOf(client, path, opts.content);
      const v = await governed(id, () => client.dryRunProgram({ id, candidate }));
      if (opts.json) printJson({ id, ...candidate, ...v });
      else printVerdict(id, v);
      if (!v.accepted) process.exitCode = 1;
      return;
    }
    if (!path) throw new AlephError('OPTION_MISSING', 'give the new code PATH', { hint: 'to change other fields, use `aleph message amend ID`' });
    const client = clientOf(cmd, true);
    const code = prepareCode(path);
    const r = await client.updateProgramCode({ hash: id, code });
    if (opts.json) return printJson({ id: r.id, item_hash: r.message?.item_hash, status: r.status });
    process.stdout.write(`Upgrade published: STORE ${r.message?.item_hash} (${r.status}). See \`aleph program history ${r.id}\` for the verdict.\n`);
  });

  withKeyOptions(
    program
      .command('approve')
      .description(
        `Approve a candidate checksum: by default a signed POST (type "${UPGRADE_APPROVAL_POST_TYPE}", ref ITEM_HASH) counted by @multisig; ` +
          'with --mapping, write the checksum into your AGGREGATE read by @checksum',
      )
      .argument('<ITEM_HASH>', 'Program id')
      .argument('<CHECKSUM>', 'Checksum of the candidate edition (from `aleph program checksum`)')
      .option('--mapping <address/key>', 'The @checksum mapping: "<your address>/<aggregate key>"')
      .option('--key <subkey>', 'The @checksum key inside the mapping [default: true]', 'true')
      .option('--json', 'Print as JSON'),
  ).action(async (id: string, checksum: string, opts: CommonOptions & { mapping?: string; key: string }, cmd: Command) => {
    if (!/^[0-9a-f]{64}$/.test(checksum)) throw new AlephError('OPTION_INVALID_CHECKSUM', 'a checksum is 64 lowercase hex characters');
    const client = clientOf(cmd, true);
    const sender = (client.account as { address: string }).address;
    let unsigned;
    if (opts.mapping) {
      const slash = opts.mapping.indexOf('/');
      if (slash <= 0) throw new AlephError('OPTION_INVALID_MAPPING', '--mapping must be "<address>/<aggregate key>"');
      unsigned = buildAggregate({ sender, address: opts.mapping.slice(0, slash), key: opts.mapping.slice(slash + 1), content: { [opts.key]: checksum } });
    } else {
      unsigned = buildPost({ sender, type: UPGRADE_APPROVAL_POST_TYPE, ref: id, content: { program_id: id, checksum } });
    }
    const { message, status } = await client.publishMessage({ message: unsigned });
    if (opts.json) return printJson({ id, checksum, item_hash: message.item_hash, type: message.type, status });
    process.stdout.write(`Approved ${checksum} for ${id}: ${message.type} ${message.item_hash} (${status})\n`);
  });
}
