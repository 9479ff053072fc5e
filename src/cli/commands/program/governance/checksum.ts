import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { prepareCode, type PreparedCode } from '../../../../client/index.js';
import { computeChecksum, type ResolvedEdition } from '../../../../policy/index.js';
import { itemHashOf } from '../../../../protocol/index.js';
import { clientOf, type CommonOptions } from '../../../context.js';
import { printJson } from '../../../output.js';
import { governed } from './shared.js';

/**
 * The checksum the program would have with `code` as its code (what `aleph program upgrade` publishes: a
 * STORE amend of its code), computed here with the node's own function over the node's resolved edition.
 *
 * @example
 * localChecksum(program.resolved_edition, prepareCode('./v2')); // '3f…' (64 hex)
 */
export function localChecksum(resolved: ResolvedEdition, code: PreparedCode): { checksum: string; code_file_hash: string } {
  if (code.encoding !== resolved.code.encoding) {
    throw new AlephError('CODE_ENCODING_MISMATCH', `the new code is ${code.encoding} but the program's code is ${resolved.code.encoding}`, {
      hint: 'code must keep the encoding of the previous version (as aleph-client requires)',
      details: { expected: resolved.code.encoding, got: code.encoding },
    });
  }
  const fileHash = itemHashOf(code.bytes);
  return { checksum: computeChecksum({ ...resolved, code: { ...resolved.code, file_hash: fileHash } }), code_file_hash: fileHash };
}

/** `aleph program checksum <id> [<dir|zip>]`: the checksum a DAO approves, before anything is signed. */
export function registerChecksum(program: Command): void {
  program
    .command('checksum')
    .description('Print the checksum the program would have with new code (computed locally, as the node does; what a DAO approves); without PATH, the current checksum')
    .argument('<ITEM_HASH>', 'Program id')
    .argument('[PATH]', 'New code: a directory, .zip or .squashfs')
    .option('--content <file>', 'A JSON file holding a full candidate PROGRAM content instead of new code (asks the node, changing nothing)')
    .option('--json', 'Print as JSON')
    .action(async (id: string, path: string | undefined, opts: CommonOptions & { content?: string }, cmd: Command) => {
      const client = clientOf(cmd, false);
      const p = await governed(id, () => client.getProgram({ id }));
      let out: Record<string, unknown>;
      if (opts.content) {
        const v = await governed(id, () => client.dryRunProgram({ id, candidate: { content: JSON.parse(readFileSync(opts.content!, 'utf8')) as Record<string, unknown> } }));
        out = { id, checksum: v.checksum, source: 'node dry-run' };
      } else if (path) {
        const resolved = p.resolved_edition as ResolvedEdition | undefined;
        if (!resolved) throw new AlephError('NODE_NO_GOVERNANCE', `the node does not report the resolved edition of ${id}`, { hint: 'use an aleph-ts node with governance' });
        out = { id, ...localChecksum(resolved, prepareCode(path)), current_edition: p.edition, current_checksum: p.checksum };
      } else {
        if (!p.checksum) throw new AlephError('PROGRAM_NO_CHECKSUM', `the node reports no checksum for ${id}`, { hint: 'this node does not compute edition checksums' });
        out = { id, edition: p.edition, checksum: p.checksum };
      }
      if (opts.json) return printJson(out);
      process.stdout.write(`${String(out.checksum)}\n`);
    });
}
